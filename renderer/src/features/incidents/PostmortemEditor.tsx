import { CodeEditor } from '../../components/CodeEditor';
import { Markdown } from '../../components/Markdown';
import { useTheme } from '../theme/store';

/** Markdown on the left in the shared editor, the sanitized result on the right, as it will be shown. */
export function PostmortemEditor({ value, onChange, height = '18rem' }: { value: string; onChange: (value: string) => void; height?: string }) {
  const theme = useTheme();
  return (
    <div className="postmortem-editor">
      <CodeEditor label="Postmortem (Markdown)" language="markdown" value={value} onChange={onChange} theme={theme} height={height} />
      <section className="postmortem-preview" aria-label="Postmortem preview" style={{ height }}>
        {value.trim() ? <Markdown source={value} /> : <p className="muted">The preview appears here as you write.</p>}
      </section>
    </div>
  );
}

export const POSTMORTEM_TEMPLATE = `## Summary

## Impact

## Root cause

## Timeline

## What went well

## What we will change
- [ ] 
`;
