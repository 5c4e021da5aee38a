/** What the console keeps of a step's output: the last lines, however much the command prints. */
export const MAX_LINES = 5_000;
/** A line longer than this keeps its end (progress bars, minified JSON). */
export const MAX_LINE_CHARS = 4_000;

export type OutputLine = { text: string; gap?: undefined } | { text: string; gap: number };

export interface OutputChunk {
  /** The chunk's first byte's offset in the step's output file. */
  offset: number;
  text: string;
  /** Bytes the server left out before this chunk (it keeps at most 32 KiB per message). */
  skipped_bytes?: number;
}

const encoder = new TextEncoder();
export const utf8Length = (text: string) => encoder.encode(text).length;

/** `text` without its first `bytes` bytes of UTF-8 (never splitting a character). */
export function dropBytes(text: string, bytes: number): string {
  let dropped = 0;
  let index = 0;
  for (const char of text) {
    if (dropped >= bytes) break;
    dropped += utf8Length(char);
    index += char.length;
  }
  return text.slice(index);
}

// Colour and cursor escapes make no sense in a <pre>; the file keeps them.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)/g;
export const stripAnsi = (text: string) => text.replace(ANSI, '');

const clip = (line: string) => (line.length > MAX_LINE_CHARS ? `…${line.slice(-MAX_LINE_CHARS)}` : line);

/**
 * One attempt's output as lines: the tail the server returned, then live chunks placed by their file
 * offset (repeats are ignored, gaps are marked). At most MAX_LINES stay; the rest is in the file.
 */
export class OutputBuffer {
  readonly lines: OutputLine[] = [];
  /** Lines dropped from the top to stay within MAX_LINES. */
  droppedLines = 0;
  /** The file offset just past the last byte held. */
  end: number;

  constructor(
    readonly attempt: number,
    tail: string,
    endOffset: number,
    /** The tail does not start at the file's beginning. */
    readonly truncatedHead: boolean,
  ) {
    this.end = endOffset;
    this.lines.push({ text: '' });
    this.push(tail);
  }

  /** Adds a live chunk; false when it held nothing new. */
  append(chunk: OutputChunk): boolean {
    let { offset, text } = chunk;
    const bytes = utf8Length(text);
    if (offset + bytes <= this.end) return false;
    if (offset < this.end) {
      text = dropBytes(text, this.end - offset);
      offset = this.end;
    }
    const gap = offset - this.end;
    if (gap > 0) {
      const last = this.lines.at(-1)!;
      if (last.text === '' && last.gap === undefined) this.lines.pop();
      this.lines.push({ text: '', gap }, { text: '' });
    }
    this.push(text);
    this.end = offset + utf8Length(text);
    return true;
  }

  /** The text held, as lines (the last may be partial); gaps are marked. */
  get text(): string {
    return this.lines.map((line) => (line.gap !== undefined ? `[… ${line.gap} bytes not shown …]` : line.text)).join('\n');
  }

  private push(text: string): void {
    if (!text) return;
    const parts = stripAnsi(text).split('\n');
    const last = this.lines.length - 1;
    this.lines[last] = { text: clip(this.lines[last]!.text + trimCr(parts[0]!, parts.length > 1)) };
    for (let i = 1; i < parts.length; i++) this.lines.push({ text: clip(trimCr(parts[i]!, i < parts.length - 1)) });
    const over = this.lines.length - MAX_LINES;
    if (over > 0) {
      this.lines.splice(0, over);
      this.droppedLines += over;
    }
  }
}

const trimCr = (line: string, complete: boolean) => (complete && line.endsWith('\r') ? line.slice(0, -1) : line);

/** What a step's row says of its output, so a buffer can tell whether it is behind. */
export interface StepOutputState {
  attempt: number;
  output: string;
  output_bytes: number;
  output_truncated: boolean;
}

/**
 * The buffer to keep after the server's view of a step changed: the same one while it is at least as
 * far along; a fresh one from the row for a new attempt or when live chunks were missed.
 */
export function reconcile(buffer: OutputBuffer | undefined, step: StepOutputState): OutputBuffer {
  if (buffer && buffer.attempt === step.attempt && buffer.end >= step.output_bytes) return buffer;
  return new OutputBuffer(step.attempt, step.output, step.output_bytes, step.output_truncated);
}
