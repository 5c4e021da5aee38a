export interface NamedSecret {
  name: string;
  value: string;
}

interface Needle {
  bytes: Buffer;
  replacement: Buffer;
}

/**
 * Replaces secret values in a byte stream with `[redacted:<name>]`, even when a value is split across
 * chunks: up to the longest value's length minus one byte is held back until the next chunk (or the end)
 * shows whether it starts a secret. Bytes go out as soon as no secret can begin in them.
 */
export class Redactor {
  private readonly needles: Needle[];
  private readonly hold: number;
  private carry: Buffer = Buffer.alloc(0);

  constructor(secrets: readonly NamedSecret[]) {
    // Longest first, so that of two secrets starting at one place the longer one is hidden whole.
    this.needles = secrets
      .filter((s) => s.value.length > 0)
      .map((s) => ({ bytes: Buffer.from(s.value, 'utf8'), replacement: Buffer.from(`[redacted:${s.name}]`, 'utf8') }))
      .sort((a, b) => b.bytes.length - a.bytes.length);
    this.hold = Math.max(0, ...this.needles.map((n) => n.bytes.length - 1));
  }

  /** The redacted bytes that are safe to pass on now. */
  push(chunk: Buffer): Buffer {
    if (this.needles.length === 0) return chunk;
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    // Every secret that starts before `safe` lies wholly inside `data`, so it can be judged now.
    const safe = Math.max(0, data.length - this.hold);
    const { out, end } = this.replace(data, safe);
    this.carry = Buffer.from(data.subarray(end));
    return out;
  }

  /** Whatever was held back, redacted: call once at the end of the stream. */
  flush(): Buffer {
    const { out } = this.replace(this.carry, this.carry.length);
    this.carry = Buffer.alloc(0);
    return out;
  }

  /** One whole string, redacted (reasons, error messages). */
  text(value: string): string {
    if (this.needles.length === 0) return value;
    const buffer = Buffer.from(value, 'utf8');
    return this.replace(buffer, buffer.length).out.toString('utf8');
  }

  /** Replaces the secrets that start before `limit`; returns the output and how far into `data` it reaches. */
  private replace(data: Buffer, limit: number): { out: Buffer; end: number } {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      let found = -1;
      let needle: Needle | undefined;
      for (const candidate of this.needles) {
        const index = data.indexOf(candidate.bytes, at);
        if (index !== -1 && index < limit && (found === -1 || index < found)) {
          found = index;
          needle = candidate;
        }
      }
      if (!needle) break;
      parts.push(data.subarray(at, found), needle.replacement);
      at = found + needle.bytes.length;
    }
    const end = Math.max(at, limit);
    parts.push(data.subarray(at, end));
    return { out: parts.length === 1 ? parts[0]! : Buffer.concat(parts), end };
  }
}
