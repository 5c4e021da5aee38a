import { lazy, Suspense } from 'react';
import type { CodeEditorProps } from './MonacoEditor';

export type { CodeEditorProps };


// Monaco is megabytes: it loads on first use, never with the console's first paint.
const MonacoEditor = lazy(() => import('./MonacoEditor'));

export function CodeEditor(props: CodeEditorProps) {
  return (
    <div className="code-editor" role="group" aria-label={props.label} style={{ height: props.height ?? '20rem' }}>
      <Suspense
        fallback={
          <pre className="code-editor-fallback" aria-busy="true">
            {props.value}
          </pre>
        }
      >
        <MonacoEditor {...props} />
      </Suspense>
    </div>
  );
}
