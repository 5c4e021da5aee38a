import { describe, expect, it } from 'vitest';
import { dropBytes, MAX_LINE_CHARS, MAX_LINES, OutputBuffer, reconcile, utf8Length } from './output';

describe('OutputBuffer', () => {
  it('continues the tail with live chunks placed by file offset, ignoring what it already has', () => {
    const buffer = new OutputBuffer(1, 'one\ntw', 6, false);
    expect(buffer.append({ offset: 0, text: 'one\n' })).toBe(false);
    expect(buffer.append({ offset: 4, text: 'two\nthree\n' })).toBe(true);
    expect(buffer.text).toBe('one\ntwo\nthree\n');
    expect(buffer.end).toBe(14);
    expect(buffer.append({ offset: 14, text: 'four' })).toBe(true);
    expect(buffer.lines.map((l) => l.text)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('counts offsets in UTF-8 bytes and never splits a character', () => {
    const buffer = new OutputBuffer(1, 'é', 2, false);
    expect(buffer.append({ offset: 0, text: 'éa€' })).toBe(true);
    expect(buffer.text).toBe('éa€');
    expect(buffer.end).toBe(2 + 1 + 3);
    expect(dropBytes('€x', 3)).toBe('x');
    expect(utf8Length('€')).toBe(3);
  });

  it('marks a gap where the server left bytes out, and keeps going after it', () => {
    const buffer = new OutputBuffer(1, 'start\n', 6, false);
    buffer.append({ offset: 1006, text: 'end\n', skipped_bytes: 1000 });
    expect(buffer.lines).toEqual([{ text: 'start' }, { text: '', gap: 1000 }, { text: 'end' }, { text: '' }]);
    expect(buffer.end).toBe(1010);
  });

  it(`keeps only the last ${MAX_LINES} lines and clips very long ones`, () => {
    const buffer = new OutputBuffer(1, '', 0, false);
    const text = Array.from({ length: MAX_LINES + 10 }, (_, i) => `line ${i}`).join('\n');
    buffer.append({ offset: 0, text });
    expect(buffer.lines).toHaveLength(MAX_LINES);
    expect(buffer.droppedLines).toBe(10);
    expect(buffer.lines[0]!.text).toBe('line 10');
    const long = new OutputBuffer(1, 'x'.repeat(MAX_LINE_CHARS + 50), MAX_LINE_CHARS + 50, false);
    expect(long.lines[0]!.text).toHaveLength(MAX_LINE_CHARS + 1);
    expect(long.lines[0]!.text.startsWith('…')).toBe(true);
  });

  it('drops colour escapes and carriage returns before newlines', () => {
    const buffer = new OutputBuffer(1, '\x1b[31mred\x1b[0m\r\nplain', 20, false);
    expect(buffer.lines.map((l) => l.text)).toEqual(['red', 'plain']);
  });
});

describe('reconcile', () => {
  const step = (attempt: number, output: string, bytes: number) => ({ attempt, output, output_bytes: bytes, output_truncated: false });

  it('keeps a buffer that is as far along as the row, and starts over for a new attempt or when it fell behind', () => {
    const buffer = new OutputBuffer(1, 'a\n', 2, false);
    buffer.append({ offset: 2, text: 'b\n' });
    expect(reconcile(buffer, step(1, 'a\n', 2))).toBe(buffer);
    expect(reconcile(buffer, step(1, 'a\nb\n', 4))).toBe(buffer);
    const behind = reconcile(buffer, step(1, 'a\nb\nc\n', 6));
    expect(behind).not.toBe(buffer);
    expect(behind.text).toBe('a\nb\nc\n');
    expect(reconcile(buffer, step(2, '', 0)).attempt).toBe(2);
  });
});
