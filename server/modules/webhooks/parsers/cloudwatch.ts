import { clip, DESCRIPTION_MAX, fail, isObject, text, timestamp, TITLE_MAX } from './common';
import type { AlertStatus, NormalizedAlert, Parser, ParseResult } from './types';

/*
 * CloudWatch alarms arrive through an SNS topic's HTTPS subscription: an SNS envelope (`Type`,
 * `MessageId`, `TopicArn`, `Message`), sent as text/plain, whose `Message` is the alarm as a JSON
 * string. The first delivery is a SubscriptionConfirmation: its SubscribeURL is recorded for a person
 * to open (Nightshift never fetches it). An EventBridge "CloudWatch Alarm State Change" event posted
 * directly is understood too. The AlarmArn is the dedup key.
 */

const STATES: Record<string, AlertStatus | 'ignored'> = { ALARM: 'firing', OK: 'resolved', INSUFFICIENT_DATA: 'ignored' };

function consoleLink(arn: string, name: string) {
  const region = arn.split(':')[3];
  if (!region || !/^[a-z0-9-]+$/.test(region)) return [];
  return [{ href: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name)}`, text: 'CloudWatch' }];
}

function alarm(input: {
  arn: string; name: string; state: string; reason?: string; description?: string; changedAt: unknown;
  labels: Record<string, string>; deliveryId: string | null;
}): ParseResult {
  const status = STATES[input.state];
  if (!status) fail(`Unknown alarm state "${input.state}"`);
  if (status === 'ignored') return { kind: 'ignored', reason: `alarm state ${input.state}`, deliveryId: input.deliveryId };
  const changedAt = timestamp(input.changedAt);
  const alert: NormalizedAlert = {
    status,
    dedupKey: input.arn,
    groupKey: null,
    title: clip(input.name, TITLE_MAX),
    description: clip([input.reason, input.description].filter(Boolean).join('\n\n'), DESCRIPTION_MAX),
    severity: null,
    labels: { alarm_name: input.name, ...input.labels },
    links: consoleLink(input.arn, input.name),
    startsAt: status === 'firing' ? changedAt : null,
    endsAt: status === 'resolved' ? changedAt : null,
  };
  return { kind: 'alerts', alerts: [alert], deliveryId: input.deliveryId };
}

function snsNotification(body: Record<string, unknown>): ParseResult {
  const deliveryId = text(body.MessageId) ?? null;
  let message: unknown = body.Message;
  if (typeof message === 'string') {
    try {
      message = JSON.parse(message);
    } catch {
      fail('The SNS Message is not JSON: not a CloudWatch alarm notification');
    }
  }
  if (!isObject(message) || !text(message.AlarmArn) || !text(message.NewStateValue)) {
    fail('The SNS Message has no AlarmArn and NewStateValue: not a CloudWatch alarm notification');
  }
  const trigger = isObject(message.Trigger) ? message.Trigger : {};
  const labels: Record<string, string> = {};
  if (text(message.Region)) labels.region = text(message.Region)!;
  if (text(message.AWSAccountId)) labels.account = text(message.AWSAccountId)!;
  if (text(trigger.Namespace)) labels.namespace = text(trigger.Namespace)!;
  if (text(trigger.MetricName)) labels.metric = text(trigger.MetricName)!;
  if (text(body.TopicArn)) labels.topic_arn = text(body.TopicArn)!;
  return alarm({
    arn: text(message.AlarmArn)!,
    name: text(message.AlarmName) ?? text(message.AlarmArn)!,
    state: text(message.NewStateValue)!,
    reason: text(message.NewStateReason),
    description: text(message.AlarmDescription),
    changedAt: message.StateChangeTime,
    labels,
    deliveryId,
  });
}

function eventBridge(body: Record<string, unknown>): ParseResult {
  const detail = isObject(body.detail) ? body.detail : {};
  const state = isObject(detail.state) ? detail.state : {};
  const arn = Array.isArray(body.resources) ? text(body.resources[0]) : undefined;
  if (!arn || !text(state.value)) fail('The event has no alarm ARN in "resources" or no detail.state.value');
  const configuration = isObject(detail.configuration) ? detail.configuration : {};
  const labels: Record<string, string> = {};
  if (text(body.region)) labels.region = text(body.region)!;
  if (text(body.account)) labels.account = text(body.account)!;
  return alarm({
    arn,
    name: text(detail.alarmName) ?? arn,
    state: text(state.value)!,
    reason: text(state.reason),
    description: text(configuration.description),
    changedAt: state.timestamp ?? body.time,
    labels,
    deliveryId: text(body.id) ?? null,
  });
}

export const cloudwatch: Parser = {
  parse(body): ParseResult {
    if (!isObject(body)) fail('The body is not a JSON object');
    const type = text(body.Type);
    if (type === 'SubscriptionConfirmation') {
      const topicArn = text(body.TopicArn);
      if (!topicArn) fail('A SubscriptionConfirmation without TopicArn');
      return { kind: 'subscription', type, topicArn, subscribeUrl: text(body.SubscribeURL) ?? null, message: text(body.Message) ?? '', deliveryId: text(body.MessageId) ?? null };
    }
    if (type === 'UnsubscribeConfirmation') return { kind: 'ignored', reason: 'SNS UnsubscribeConfirmation', deliveryId: text(body.MessageId) ?? null };
    if (type === 'Notification') return snsNotification(body);
    if (text(body['detail-type']) === 'CloudWatch Alarm State Change') return eventBridge(body);
    return fail('Neither an SNS message ("Type") nor an EventBridge "CloudWatch Alarm State Change" event');
  },
  sample(status, now, key) {
    const name = 'nightshift-test-alarm';
    const message = {
      AlarmName: name,
      AlarmDescription: 'Sent from Nightshift to check this integration end to end.',
      AWSAccountId: '000000000000',
      NewStateValue: status === 'firing' ? 'ALARM' : 'OK',
      NewStateReason: status === 'firing' ? 'Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0).' : 'Threshold Crossed: back below the threshold.',
      StateChangeTime: now.toISOString().replace('Z', '+0000'),
      Region: 'US East (N. Virginia)',
      AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}-${key}`,
      OldStateValue: status === 'firing' ? 'OK' : 'ALARM',
      Trigger: { MetricName: 'NightshiftTest', Namespace: 'Nightshift', Statistic: 'MAXIMUM', Period: 60, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', Threshold: 0 },
    };
    const messageId = `${key}-${now.getTime()}`;
    return {
      contentType: 'text/plain; charset=UTF-8',
      headers: { 'x-amz-sns-message-type': 'Notification', 'x-amz-sns-message-id': messageId },
      body: JSON.stringify({
        Type: 'Notification',
        MessageId: messageId,
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:nightshift-test',
        Subject: `${status === 'firing' ? 'ALARM' : 'OK'}: "${name}" in US East (N. Virginia)`,
        Message: JSON.stringify(message),
        Timestamp: now.toISOString(),
        SignatureVersion: '1',
        Signature: 'TEST',
        SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
        UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
      }),
    };
  },
};
