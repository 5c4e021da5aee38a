import { EventEmitter } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { ByteRing, completeUtf8Length, utf8Tail } from './byte-ring';
import { Redactor, type NamedSecret } from './redactor';

/** How much of a step's output its row and API answers carry; the file has all of it. */
export const TAIL_BYTES = 64 * 1024;
export const LIVE_INTERVAL_MS = 100;
export const LIVE_MAX_BYTES = 32 * 1024;

/** A piece of output for live viewers: `text` starts at byte `offset` of the file; `skipped_bytes` were dropped before it. */
export interface LiveChunk {
  offset: number;
  text: string;
  skipped_bytes: number;
}

export interface OutputSinkOptions {
  file: string;
  secrets: readonly NamedSecret[];
  /** Receives throttled pieces: at most one per LIVE_INTERVAL_MS and LIVE_MAX_BYTES each, the newest kept. */
  live?: (chunk: LiveChunk) => void;
  liveIntervalMs?: number;
  liveMaxBytes?: number;
}

/**
 * Where a step's output goes: secrets redacted (across chunk boundaries), then every byte to the output
 * file, the newest 64 KiB to a ring for the row, and throttled pieces to live viewers. Memory stays
 * bounded whatever the output's size: `write` returns false while the file is behind, and the producer
 * waits for 'drain' (a command's pipes are paused, so the command itself blocks).
 */
export class OutputSink extends EventEmitter<{ drain: []; error: [Error] }> {
  private readonly redactor: Redactor;
  private readonly file: WriteStream;
  private readonly ring = new ByteRing(TAIL_BYTES);
  private readonly liveRing: ByteRing;
  private readonly liveIntervalMs: number;
  /** The start of an incomplete UTF-8 sequence held back from the last live piece. */
  private livePartial: Buffer = Buffer.alloc(0);
  private liveTimer: NodeJS.Timeout | undefined;
  private lastLive = 0;
  private written = 0;
  private fileError: Error | undefined;
  private ended: Promise<void> | undefined;

  constructor(private readonly options: OutputSinkOptions) {
    super();
    this.redactor = new Redactor(options.secrets);
    this.liveRing = new ByteRing(options.liveMaxBytes ?? LIVE_MAX_BYTES);
    this.liveIntervalMs = options.liveIntervalMs ?? LIVE_INTERVAL_MS;
    this.file = createWriteStream(options.file, { flags: 'a', mode: 0o600 });
    this.file.on('drain', () => this.emit('drain'));
    this.file.on('error', (error) => {
      // The output is lost from here on but the step goes on; the tail still reaches the row.
      this.fileError ??= error;
      this.emit('drain');
    });
  }

  /** Bytes of (redacted) output so far: the file's size once it is flushed. */
  get bytes(): number {
    return this.written;
  }

  /** True when the whole output no longer fits in the tail. */
  get truncated(): boolean {
    return this.written > this.ring.length;
  }

  get error(): Error | undefined {
    return this.fileError;
  }

  /** The newest output as text (at most TAIL_BYTES, or `maxBytes`). */
  tail(maxBytes = TAIL_BYTES): string {
    const bytes = this.ring.toBuffer();
    return utf8Tail(bytes.length > maxBytes ? bytes.subarray(bytes.length - maxBytes) : bytes);
  }

  /** A whole string with this output's secrets hidden (reasons, error messages). */
  redact(text: string): string {
    return this.redactor.text(text);
  }

  /** False when the caller should wait for 'drain' before writing more. */
  write(chunk: Buffer | string): boolean {
    if (this.ended) return true;
    const redacted = this.redactor.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    return this.accept(redacted);
  }

  /** Flushes what the redactor held back, sends the last live piece and closes the file. */
  end(): Promise<void> {
    this.ended ??= (async () => {
      this.accept(this.redactor.flush());
      clearTimeout(this.liveTimer);
      this.sendLive(true);
      if (this.fileError) {
        this.file.destroy();
        return;
      }
      await new Promise<void>((resolve) => {
        this.file.end(() => resolve());
        this.file.once('error', () => resolve());
      });
    })();
    return this.ended;
  }

  private accept(bytes: Buffer): boolean {
    if (bytes.length === 0) return true;
    this.written += bytes.length;
    this.ring.push(bytes);
    if (this.options.live) {
      this.liveRing.push(bytes);
      this.scheduleLive();
    }
    if (this.fileError) return true;
    return this.file.write(bytes);
  }

  private scheduleLive(): void {
    if (this.liveTimer) return;
    const wait = Math.max(0, this.lastLive + this.liveIntervalMs - Date.now());
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      this.sendLive(false);
    }, wait);
  }

  private sendLive(final: boolean): void {
    if (!this.options.live) return;
    let skipped = this.liveRing.dropped;
    let bytes = this.liveRing.toBuffer();
    if (bytes.length === 0 && (this.livePartial.length === 0 || !final)) return;
    this.liveRing.clear();
    let offset = this.written - bytes.length;
    // A sequence held back from last time is completed now, unless the bytes after it were dropped.
    if (skipped === 0 && this.livePartial.length > 0) {
      bytes = Buffer.concat([this.livePartial, bytes]);
      offset -= this.livePartial.length;
    } else {
      skipped += this.livePartial.length;
    }
    this.livePartial = Buffer.alloc(0);
    // A sequence split at the front by dropped bytes is dropped with them.
    let lead = 0;
    if (skipped > 0) while (lead < bytes.length && lead < 3 && (bytes[lead]! & 0xc0) === 0x80) lead++;
    const whole = final ? bytes.length : completeUtf8Length(bytes);
    if (whole < bytes.length) this.livePartial = Buffer.from(bytes.subarray(whole));
    if (whole <= lead && skipped + lead === 0) return;
    this.lastLive = Date.now();
    this.options.live({ offset: offset + lead, text: bytes.toString('utf8', lead, whole), skipped_bytes: skipped + lead });
  }
}
