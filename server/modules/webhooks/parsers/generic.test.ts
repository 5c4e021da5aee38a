import { describe, expect, it } from 'vitest';
import { generic } from './generic';
import { UnrecognizedPayload } from './types';

describe('generic', () => {
  it('reads one alert with defaults: firing, dedup key = title', () => {
    expect(generic.parse({ title: 'Disk full on db-1' }, {})).toEqual({
      kind: 'alerts', deliveryId: null,
      alerts: [{ status: 'firing', dedupKey: 'Disk full on db-1', groupKey: null, title: 'Disk full on db-1', description: '', severity: null, labels: {}, links: [], startsAt: null, endsAt: null }],
    });
  });

  it('reads every field, and batches', () => {
    const alert = {
      title: 'Disk full', status: 'resolved', severity: 'sev2', description: 'below 1%', dedup_key: 'db-1/disk', group_key: 'db-1',
      labels: { host: 'db-1', count: 3 }, links: [{ href: 'https://dash.example.com/db-1', text: 'Dashboard' }, { href: 'ftp://nope', text: 'x' }],
      starts_at: '2026-11-20T10:00:00Z', ends_at: '2026-11-20T10:30:00Z',
    };
    expect(generic.parse({ delivery_id: 'd-1', alerts: [alert, { title: 'Other', status: 'triggered' }] }, {})).toMatchObject({
      kind: 'alerts', deliveryId: 'd-1',
      alerts: [
        { status: 'resolved', dedupKey: 'db-1/disk', groupKey: 'db-1', severity: 'high', labels: { host: 'db-1', count: '3' }, links: [{ href: 'https://dash.example.com/db-1', text: 'Dashboard' }], endsAt: '2026-11-20T10:30:00.000Z' },
        { status: 'firing', dedupKey: 'Other' },
      ],
    });
  });

  it('refuses malformed payloads', () => {
    for (const bad of [[], {}, { title: '' }, { title: 'x', status: 'exploded' }, { alerts: [] }, { alerts: [{ status: 'firing' }] }, 42]) {
      expect(() => generic.parse(bad, {})).toThrow(UnrecognizedPayload);
    }
  });

  it('parses its own sample', () => {
    expect(generic.parse(JSON.parse(generic.sample('firing', new Date(), 'x1').body), {})).toMatchObject({ alerts: [{ status: 'firing', dedupKey: 'x1', severity: 'medium' }] });
  });
});
