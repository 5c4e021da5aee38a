import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { MAX_LINES, OutputBuffer, reconcile, type OutputChunk } from './output';
import type { Execution, ExecutionStep } from './types';

const LINE_HEIGHT = 18;

/**
 * Every step's output as this console has seen it: the row's tail, then live chunks. Re-renders at
 * most once a frame however fast chunks arrive.
 */
export function useStepOutputs(execution: Execution | undefined) {
  const buffers = useRef(new Map<string, OutputBuffer>());
  const [, setTick] = useState(0);
  const frame = useRef<number | undefined>(undefined);
  useEffect(() => () => cancelAnimationFrame(frame.current ?? 0), []);
  const steps = useRef<ExecutionStep[]>([]);
  steps.current = execution?.steps ?? [];

  const bufferFor = useCallback((step: ExecutionStep): OutputBuffer => {
    const next = reconcile(buffers.current.get(step.id), step);
    buffers.current.set(step.id, next);
    return next;
  }, []);

  const append = useCallback((data: unknown) => {
    const chunk = data as Partial<OutputChunk> & { step?: string | number; attempt?: number };
    if (typeof chunk.text !== 'string' || typeof chunk.offset !== 'number') return;
    const step = steps.current.find((s) => s.id === chunk.step || s.position === chunk.step);
    if (!step) return;
    let buffer = buffers.current.get(step.id);
    const attempt = chunk.attempt ?? step.attempt;
    if (!buffer || attempt > buffer.attempt) {
      // The first chunk of a new attempt can arrive before the row that says it started.
      buffer = attempt === step.attempt ? reconcile(undefined, step) : new OutputBuffer(attempt, '', 0, false);
      buffers.current.set(step.id, buffer);
    }
    if (attempt < buffer.attempt) return;
    if (buffer.append({ offset: chunk.offset, text: chunk.text, skipped_bytes: chunk.skipped_bytes ?? 0 })) {
      frame.current ??= requestAnimationFrame(() => {
        frame.current = undefined;
        setTick((n) => n + 1);
      });
    }
  }, []);

  return { bufferFor, append };
}

/**
 * The output of one step attempt: only the lines in view are in the DOM. It follows the end while the
 * reader is at the end; scrolling up stops following until they scroll back down.
 */
export function OutputPane({ buffer, label, running }: { buffer: OutputBuffer; label: string; running: boolean }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const lines = buffer.lines;
  // The last line is the partial one; an empty one after a newline is not shown.
  const count = lines.length > 1 && lines.at(-1)!.text === '' && lines.at(-1)!.gap === undefined ? lines.length - 1 : lines.length;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => LINE_HEIGHT, overscan: 20 });

  useLayoutEffect(() => {
    if (follow.current && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  });

  const empty = count === 1 && lines[0]!.text === '' && lines[0]!.gap === undefined;
  return (
    <div className="output-pane">
      {buffer.truncatedHead || buffer.droppedLines > 0 ? (
        <p className="output-note muted">
          {buffer.droppedLines > 0 ? `Showing the last ${MAX_LINES.toLocaleString()} lines. ` : 'Showing the end of the output. '}Download the full output for the rest.
        </p>
      ) : null}
      <div
        ref={scrollRef}
        className="output-scroll"
        role="log"
        aria-label={label}
        aria-live="off"
        tabIndex={0}
        onScroll={(event) => {
          const el = event.currentTarget;
          follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < LINE_HEIGHT * 2;
        }}
      >
        {empty ? (
          <p className="output-empty muted">{running ? 'Waiting for output…' : 'No output.'}</p>
        ) : (
          <div className="output-lines" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const line = lines[item.index]!;
              return (
                <div key={item.key} className={line.gap !== undefined ? 'output-line output-gap' : 'output-line'} style={{ transform: `translateY(${item.start}px)` }}>
                  {line.gap !== undefined ? `… ${line.gap.toLocaleString()} bytes not shown live: download the full output …` : line.text || '\u00a0'}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
