import { alertmanagerSample, parseAlertmanagerPayload } from './alertmanager-format';
import type { Parser } from './types';

/**
 * Prometheus Alertmanager's webhook_configs receiver (payload version 4). The dedup key is each alert's
 * `fingerprint`, the group key the notification's `groupKey`.
 */
export const prometheus: Parser = {
  parse: (body) => parseAlertmanagerPayload(body),
  sample: (status, now, key) => ({
    contentType: 'application/json',
    body: alertmanagerSample(status, now, key, { receiver: 'nightshift', externalURL: 'http://alertmanager.invalid:9093' }),
  }),
};
