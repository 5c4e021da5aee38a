import { describe, expect, it } from 'vitest';
import { EventStream } from './replay';

const seqs = (records: { seq: number }[] | null) => records?.map((r) => r.seq) ?? null;

describe('EventStream', () => {
  it('numbers from its base and keeps the newest `capacity` events across wrap-around', () => {
    const stream = new EventStream(3, 100);
    expect(stream.seq).toBe(100);
    for (let i = 0; i < 7; i++) stream.append('t', 'e', i);
    expect(stream.seq).toBe(107);
    expect(seqs(stream.since(104))).toEqual([105, 106, 107]);
    expect(seqs(stream.since(106))).toEqual([107]);
    expect(seqs(stream.since(107))).toEqual([]);
    expect(stream.since(103)).toBeNull();
    expect(stream.since(108)).toBeNull();
  });

  it('serializes an event once, as the socket message', () => {
    const stream = new EventStream(2, 0);
    const record = stream.append('incidents', 'incident.created', { id: 'x' });
    expect(JSON.parse(record.payload())).toEqual({ type: 'event', seq: 1, topic: 'incidents', event: 'incident.created', data: { id: 'x' } });
    expect(record.payload()).toBe(record.payload());
  });

  it('with no room kept, only "nothing missed" can be resumed', () => {
    const stream = new EventStream(0, 5);
    stream.append('t', 'e', null);
    expect(seqs(stream.since(6))).toEqual([]);
    expect(stream.since(5)).toBeNull();
  });
});
