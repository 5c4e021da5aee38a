/** One event as the org's stream recorded it: numbered, and serialized at most once. */
export interface RecordedEvent {
  readonly seq: number;
  readonly topic: string;
  readonly event: string;
  readonly data: unknown;
  /** The `event` message as sent on a socket. */
  payload(): string;
}

class Recorded implements RecordedEvent {
  private text: string | undefined;
  constructor(
    readonly seq: number,
    readonly topic: string,
    readonly event: string,
    readonly data: unknown,
  ) {}

  payload(): string {
    this.text ??= JSON.stringify({ type: 'event', seq: this.seq, topic: this.topic, event: this.event, data: this.data });
    return this.text;
  }
}

/**
 * One organization's live events, numbered by a sequence that only grows, with the newest `capacity`
 * kept so a client that reconnects can be sent what it missed. Numbers start from the stream's base
 * (the hub derives it from the start time), so a client that saw numbers from a previous server
 * process asks for a number the new one cannot serve and is told to resync, never handed a wrong gap.
 */
export class EventStream {
  private readonly ring: (Recorded | undefined)[];
  /** Index in `ring` of the oldest kept event. */
  private start = 0;
  private count = 0;
  /** The newest number handed out (the base while nothing was published). */
  private last: number;

  constructor(
    private readonly capacity: number,
    base: number,
  ) {
    this.ring = new Array<Recorded | undefined>(capacity);
    this.last = base;
  }

  get seq(): number {
    return this.last;
  }

  append(topic: string, event: string, data: unknown): RecordedEvent {
    const record = new Recorded(++this.last, topic, event, data);
    if (this.capacity === 0) return record;
    if (this.count < this.capacity) {
      this.ring[(this.start + this.count) % this.capacity] = record;
      this.count++;
    } else {
      this.ring[this.start] = record;
      this.start = (this.start + 1) % this.capacity;
    }
    return record;
  }

  /**
   * Every kept event numbered after `since`, oldest first; null when some of them are no longer kept
   * (or `since` was never handed out by this stream), so the caller must refetch instead.
   */
  since(since: number): RecordedEvent[] | null {
    if (since > this.last) return null;
    const oldestKept = this.last - this.count + 1;
    if (since < oldestKept - 1) return null;
    const missed: RecordedEvent[] = [];
    for (let i = since - oldestKept + 1; i < this.count; i++) missed.push(this.ring[(this.start + i) % this.capacity]!);
    return missed;
  }
}
