import type { Severity } from '../../incidents';
import { UnrecognizedPayload, type AlertLink, type Headers } from './types';

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function fail(message: string): never {
  throw new UnrecognizedPayload(message);
}

/** A non-empty string, or a finite number written as one; anything else is undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Label and tag maps: string values kept, numbers and booleans written out, everything else dropped. */
export function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}

const SEVERITY_WORDS: Record<string, Severity> = {};
const words: Record<Severity, string[]> = {
  critical: ['critical', 'crit', 'fatal', 'emergency', 'emerg', 'alert', 'page', 'disaster', 'p1', 'sev1', 'sev-1', 'sev0', 'major_outage'],
  high: ['high', 'error', 'err', 'major', 'severe', 'p2', 'sev2', 'sev-2', 'partial_outage'],
  medium: ['medium', 'warning', 'warn', 'moderate', 'average', 'p3', 'sev3', 'sev-3', 'degraded'],
  low: ['low', 'info', 'informational', 'information', 'minor', 'notice', 'debug', 'none', 'p4', 'p5', 'sev4', 'sev5', 'sev-4', 'sev-5'],
};
for (const [severity, list] of Object.entries(words) as [Severity, string[]][]) for (const w of list) SEVERITY_WORDS[w] = severity;

/** Maps the words platforms and teams use for severity onto Nightshift's four; unknown words give null. */
export function severityFrom(value: unknown): Severity | null {
  const word = text(value)?.trim().toLowerCase();
  return word ? (SEVERITY_WORDS[word] ?? null) : null;
}

/**
 * An RFC 3339 (or epoch) time as UTC ISO, or null. Alertmanager's zero time (0001-01-01) means "unset".
 * Epoch numbers below 1e11 are seconds, above are milliseconds.
 */
export function timestamp(value: unknown): string | null {
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && value.trim() !== '') ms = /^\d+$/.test(value) ? timestampMs(Number(value)) : Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  else return null;
  if (!Number.isFinite(ms) || ms < Date.UTC(1971, 0, 1)) return null;
  return new Date(ms).toISOString();
}

const timestampMs = (n: number) => (n < 1e11 ? n * 1000 : n);

/** Only http(s) URLs become links: a payload must not smuggle `javascript:` into the console. */
export function link(href: unknown, label: string): AlertLink[] {
  const value = text(href);
  if (!value) return [];
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? [{ href: url.toString(), text: label }] : [];
  } catch {
    return [];
  }
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Titles and descriptions are shown to people: bounded so one payload cannot bloat every list. */
export const clip = (value: string, max: number): string => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

export const TITLE_MAX = 300;
export const DESCRIPTION_MAX = 10_000;
