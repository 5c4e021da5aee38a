/** The newest `capacity` bytes of a stream, in a fixed buffer: older bytes are overwritten and counted. */
export class ByteRing {
  private readonly buffer: Buffer;
  private start = 0;
  private size = 0;
  /** Bytes pushed and since overwritten (or cleared away unread by `take`'s caller). */
  dropped = 0;

  constructor(readonly capacity: number) {
    this.buffer = Buffer.alloc(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(data: Buffer): void {
    if (data.length >= this.capacity) {
      this.dropped += this.size + data.length - this.capacity;
      data.copy(this.buffer, 0, data.length - this.capacity);
      this.start = 0;
      this.size = this.capacity;
      return;
    }
    const overflow = Math.max(0, this.size + data.length - this.capacity);
    if (overflow > 0) {
      this.start = (this.start + overflow) % this.capacity;
      this.size -= overflow;
      this.dropped += overflow;
    }
    const end = (this.start + this.size) % this.capacity;
    const first = Math.min(data.length, this.capacity - end);
    data.copy(this.buffer, end, 0, first);
    if (first < data.length) data.copy(this.buffer, 0, first);
    this.size += data.length;
  }

  /** A copy of the kept bytes, oldest first. */
  toBuffer(): Buffer {
    const out = Buffer.alloc(this.size);
    const first = Math.min(this.size, this.capacity - this.start);
    this.buffer.copy(out, 0, this.start, this.start + first);
    if (first < this.size) this.buffer.copy(out, first, 0, this.size - first);
    return out;
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
    this.dropped = 0;
  }
}

/** Where, counting back from the end, an incomplete UTF-8 sequence starts (`bytes.length` when the end is whole). */
export function completeUtf8Length(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** Text of bytes cut from a longer stream: a sequence split at the front is dropped, not shown as a replacement character. */
export function utf8Tail(bytes: Buffer): string {
  let start = 0;
  while (start < bytes.length && start < 3 && (bytes[start]! & 0xc0) === 0x80) start++;
  return bytes.toString('utf8', start);
}
