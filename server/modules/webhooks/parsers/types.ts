import type { Severity } from '../../incidents';

export type AlertStatus = 'firing' | 'resolved';

export interface AlertLink {
  href: string;
  text: string;
}

/** One alert as every platform's payload is reduced to it (DESIGN.md §5). */
export interface NormalizedAlert {
  /** The alert's own status, never its group's. */
  status: AlertStatus;
  /** The source's native identity for the alert, verbatim (fingerprint, incident_key, AlarmArn, …). */
  dedupKey: string;
  /** Which open incident the alert joins; null groups it alone (by its dedup key). */
  groupKey: string | null;
  title: string;
  description: string;
  /** Null when the payload says nothing about severity: the integration's default applies. */
  severity: Severity | null;
  labels: Record<string, string>;
  links: AlertLink[];
  startsAt: string | null;
  endsAt: string | null;
}

/** Request headers, lower-cased names (Node's IncomingHttpHeaders). */
export type Headers = Record<string, string | string[] | undefined>;

export type ParseResult =
  | { kind: 'alerts'; alerts: NormalizedAlert[]; deliveryId: string | null }
  /** AWS SNS asks the endpoint to confirm a subscription; the URL is recorded, never fetched by us. */
  | { kind: 'subscription'; type: string; topicArn: string; subscribeUrl: string | null; message: string; deliveryId: string | null }
  /** A well-formed payload that carries no alert (a ping, a state we do not track). */
  | { kind: 'ignored'; reason: string; deliveryId: string | null };

/** The payload matches none of the platform's documented shapes; `message` says what was wrong. */
export class UnrecognizedPayload extends Error {}

/** A request body of the platform's own format, for `POST /integrations/{id}/test`. */
export interface SamplePayload {
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

export interface Parser {
  parse(body: unknown, headers: Headers): ParseResult;
  /** A firing or resolved test alert in the platform's documented shape; `key` keeps its identity stable. */
  sample(status: AlertStatus, now: Date, key: string): SamplePayload;
}
