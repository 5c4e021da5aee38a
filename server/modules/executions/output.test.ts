import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteRing, completeUtf8Length, utf8Tail } from './byte-ring';
import { OutputSink, TAIL_BYTES, type LiveChunk } from './output-sink';
import { Redactor } from './redactor';

const dir = mkdtempSync(join(tmpdir(), 'nightshift-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const nextFile = () => join(dir, `${++files}.log`);

/** Every way of cutting `text` into two or three chunks, pushed through a fresh redactor. */
function redactInPieces(secrets: { name: string; value: string }[], text: string): string[] {
  const bytes = Buffer.from(text);
  const results: string[] = [];
  for (let a = 0; a <= bytes.length; a++) {
    for (let b = a; b <= bytes.length; b += 3) {
      const redactor = new Redactor(secrets);
      const out = [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)].map((part) => redactor.push(Buffer.from(part)));
      out.push(redactor.flush());
      results.push(Buffer.concat(out).toString());
    }
  }
  return results;
}

describe('redactor', () => {
  it('hides a secret however the stream is cut', () => {
    const secrets = [{ name: 'pg', value: 'hunter2-pässword' }];
    const text = 'connecting with hunter2-pässword to db; again: hunter2-pässword.';
    for (const result of redactInPieces(secrets, text)) expect(result).toBe('connecting with [redacted:pg] to db; again: [redacted:pg].');
  });

  it('prefers the longer of two secrets that start at one place, and handles prefixes of each other', () => {
    const secrets = [{ name: 'short', value: 'abc' }, { name: 'long', value: 'abcdef' }];
    for (const result of redactInPieces(secrets, 'x abcdef y abc z abcab')) expect(result).toBe('x [redacted:long] y [redacted:short] z [redacted:short]ab');
  });

  it('passes bytes through untouched without secrets, and holds back no more than it must', () => {
    const none = new Redactor([]);
    const chunk = Buffer.from('plain');
    expect(none.push(chunk)).toBe(chunk);
    const one = new Redactor([{ name: 's', value: 'SECRET' }]);
    expect(one.push(Buffer.from('hello SEC')).toString()).toBe('hell'); // the last 5 bytes could start SECRET
    expect(one.push(Buffer.from('RET!')).toString()).toBe('o [redacted:s]');
    expect(one.flush().toString()).toBe('!');
    expect(one.text('a SECRET b')).toBe('a [redacted:s] b');
  });
});

describe('byte ring', () => {
  it('keeps the newest bytes and counts the dropped ones', () => {
    const ring = new ByteRing(8);
    ring.push(Buffer.from('abcde'));
    ring.push(Buffer.from('fghij'));
    expect(ring.toBuffer().toString()).toBe('cdefghij');
    expect(ring.dropped).toBe(2);
    ring.push(Buffer.from('0123456789'));
    expect(ring.toBuffer().toString()).toBe('23456789');
    expect(ring.dropped).toBe(12);
    ring.clear();
    expect(ring.length).toBe(0);
  });

  it('cuts text on whole characters', () => {
    const euro = Buffer.from('€'); // 3 bytes
    expect(completeUtf8Length(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)]))).toBe(1);
    expect(completeUtf8Length(Buffer.concat([Buffer.from('a'), euro]))).toBe(4);
    expect(utf8Tail(Buffer.concat([euro.subarray(1), Buffer.from('b')]))).toBe('b');
  });
});

describe('output sink', () => {
  it('writes every byte to the file, keeps a 64 KiB tail and streams throttled pieces that add up', async () => {
    const pieces: LiveChunk[] = [];
    const file = nextFile();
    const sink = new OutputSink({ file, secrets: [{ name: 'token', value: 'tok-123' }], live: (c) => pieces.push(c), liveIntervalMs: 20, liveMaxBytes: 1 << 20 });
    let expected = '';
    for (let i = 0; i < 2000; i++) {
      const line = `line ${i} tok-123 ünïcode\n`;
      expected += line.replace('tok-123', '[redacted:token]');
      // Split inside the secret and inside a multi-byte character.
      const bytes = Buffer.from(line);
      sink.write(bytes.subarray(0, 9));
      sink.write(bytes.subarray(9, 20));
      sink.write(bytes.subarray(20));
      if (i % 500 === 0) await new Promise((r) => setTimeout(r, 30));
    }
    await sink.end();
    expect(readFileSync(file, 'utf8')).toBe(expected);
    expect(sink.bytes).toBe(Buffer.byteLength(expected));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(sink.truncated).toBe(true);
    const tail = sink.tail();
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(TAIL_BYTES);
    expect(expected.endsWith(tail)).toBe(true);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.map((p) => p.text).join('')).toBe(expected);
    let offset = 0;
    for (const piece of pieces) {
      expect(piece.offset).toBe(offset);
      expect(piece.skipped_bytes).toBe(0);
      offset += Buffer.byteLength(piece.text);
    }
  });

  it('live pieces keep the newest bytes when output outruns the interval, and say how many were skipped', async () => {
    const pieces: LiveChunk[] = [];
    const sink = new OutputSink({ file: nextFile(), secrets: [], live: (c) => pieces.push(c), liveIntervalMs: 50, liveMaxBytes: 1024 });
    const block = Buffer.alloc(10_000, 'x');
    sink.write(block);
    sink.write(Buffer.from('END'));
    await sink.end();
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.text.endsWith('END')).toBe(true);
    expect(Buffer.byteLength(pieces[0]!.text)).toBe(1024);
    expect(pieces[0]!.skipped_bytes).toBe(10_003 - 1024);
    expect(pieces[0]!.offset).toBe(10_003 - 1024);
  });
});
