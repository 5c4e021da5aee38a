import { describe, expect, it } from 'vitest';
import { cloudwatch } from './cloudwatch';
import { UnrecognizedPayload } from './types';

const ARN = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api-5xx';

// An SNS HTTPS notification carrying a CloudWatch alarm (Message is the alarm as a JSON string).
const notification = (state: string) => ({
  Type: 'Notification',
  MessageId: `msg-${state}`,
  TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
  Subject: `ALARM: "api-5xx" in EU (Ireland)`,
  Message: JSON.stringify({
    AlarmName: 'api-5xx', AlarmDescription: 'Too many 5xx', AWSAccountId: '123456789012', AlarmConfigurationUpdatedTimestamp: '2026-11-01T00:00:00.000+0000',
    NewStateValue: state, NewStateReason: 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (10.0).',
    StateChangeTime: '2026-11-20T10:00:00.000+0000', Region: 'EU (Ireland)', AlarmArn: ARN, OldStateValue: 'OK',
    Trigger: { MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', StatisticType: 'Statistic', Statistic: 'SUM', Period: 60, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', Threshold: 10 },
  }),
  Timestamp: '2026-11-20T10:00:01.000Z',
  SignatureVersion: '1',
  Signature: 'EXAMPLE',
  SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem',
  UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x',
});

describe('cloudwatch', () => {
  it('reads an SNS alarm notification: ALARM fires, OK resolves, the AlarmArn is the dedup key', () => {
    const fired = cloudwatch.parse(notification('ALARM'), {});
    expect(fired).toMatchObject({
      kind: 'alerts', deliveryId: 'msg-ALARM',
      alerts: [{
        status: 'firing', dedupKey: ARN, title: 'api-5xx', startsAt: '2026-11-20T10:00:00.000Z', severity: null,
        labels: { alarm_name: 'api-5xx', region: 'EU (Ireland)', metric: 'HTTPCode_Target_5XX_Count', namespace: 'AWS/ApplicationELB' },
      }],
    });
    if (fired.kind !== 'alerts') throw new Error('expected alerts');
    expect(fired.alerts[0]!.description).toContain('Threshold Crossed');
    expect(fired.alerts[0]!.links[0]!.href).toBe('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/api-5xx');
    expect(cloudwatch.parse(notification('OK'), {})).toMatchObject({ alerts: [{ status: 'resolved', dedupKey: ARN, endsAt: '2026-11-20T10:00:00.000Z' }] });
    expect(cloudwatch.parse(notification('INSUFFICIENT_DATA'), {})).toMatchObject({ kind: 'ignored' });
  });

  it('hands back a SubscriptionConfirmation\'s SubscribeURL', () => {
    const confirmation = {
      Type: 'SubscriptionConfirmation', MessageId: 'c-1', Token: '2336412f37f', TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
      Message: 'You have chosen to subscribe to the topic arn:aws:sns:eu-west-1:123456789012:alarms.\nTo confirm the subscription, visit the SubscribeURL included in this message.',
      SubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:alarms&Token=2336412f37f',
      Timestamp: '2026-11-20T10:00:00.000Z', SignatureVersion: '1', Signature: 'EXAMPLE', SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/x.pem',
    };
    expect(cloudwatch.parse(confirmation, {})).toEqual({
      kind: 'subscription', type: 'SubscriptionConfirmation', topicArn: confirmation.TopicArn, subscribeUrl: confirmation.SubscribeURL,
      message: confirmation.Message, deliveryId: 'c-1',
    });
  });

  it('reads an EventBridge alarm state change', () => {
    const event = {
      version: '0', id: 'eb-1', 'detail-type': 'CloudWatch Alarm State Change', source: 'aws.cloudwatch', account: '123456789012',
      time: '2026-11-20T10:00:00Z', region: 'eu-west-1', resources: [ARN],
      detail: { alarmName: 'api-5xx', state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-11-20T10:00:00.000+0000' }, previousState: { value: 'OK' }, configuration: { description: 'Too many 5xx' } },
    };
    expect(cloudwatch.parse(event, {})).toMatchObject({ kind: 'alerts', deliveryId: 'eb-1', alerts: [{ status: 'firing', dedupKey: ARN, labels: { region: 'eu-west-1' } }] });
  });

  it('refuses malformed payloads', () => {
    for (const bad of [{}, { Type: 'Notification', Message: 'not json' }, { Type: 'Notification', Message: '{"foo":1}' }, { Type: 'SubscriptionConfirmation' }, { ...notification('ALARM'), Message: JSON.stringify({ AlarmArn: ARN, NewStateValue: 'ON_FIRE' }) }]) {
      expect(() => cloudwatch.parse(bad, {})).toThrow(UnrecognizedPayload);
    }
  });

  it('parses its own sample', () => {
    expect(cloudwatch.parse(JSON.parse(cloudwatch.sample('firing', new Date(), 'c1').body), {})).toMatchObject({ alerts: [{ status: 'firing' }] });
  });
});
