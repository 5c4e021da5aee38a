import { cloudwatch } from './cloudwatch';
import { datadog } from './datadog';
import { generic } from './generic';
import { grafana } from './grafana';
import { newrelic } from './newrelic';
import { pagerduty } from './pagerduty';
import { prometheus } from './prometheus';
import { signoz } from './signoz';
import type { WebhookPlatform } from '../../integrations';
import type { Parser } from './types';

/** One parser per platform that `POST /webhooks/{platform}` accepts (DESIGN.md §5). */
export const PARSERS: Record<WebhookPlatform, Parser> = { datadog, prometheus, grafana, pagerduty, newrelic, cloudwatch, signoz, generic };

export { UnrecognizedPayload, type NormalizedAlert, type ParseResult, type Parser, type AlertStatus, type Headers, type SamplePayload } from './types';
