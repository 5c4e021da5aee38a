import { lazy, Suspense } from 'react';
import type { CodeDiffProps } from './MonacoDiffEditor';

export type { CodeDiffProps };

// Monaco loads on first use, as CodeEditor does.
const MonacoDiffEditor = lazy(() => import('./MonacoDiffEditor'));

/** Two texts side by side, read-only, with their differences marked. */
export function CodeDiff(props: CodeDiffProps) {
  return (
    <div className="code-editor" role="group" aria-label={`${props.originalLabel} compared with ${props.modifiedLabel}`} style={{ height: props.height ?? '24rem' }}>
      <Suspense fallback={<p className="code-editor-fallback" aria-busy="true">Loading the comparison…</p>}>
        <MonacoDiffEditor {...props} />
      </Suspense>
    </div>
  );
}
