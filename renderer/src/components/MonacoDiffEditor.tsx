import { DiffEditor } from '@monaco-editor/react';
import '../lib/monaco';

export interface CodeDiffProps {
  original: string;
  modified: string;
  language?: string;
  /** Accessible names of the two sides. */
  originalLabel: string;
  modifiedLabel: string;
  height?: string;
  theme?: 'light' | 'dark';
}

export default function MonacoDiffEditor({ original, modified, language, originalLabel, modifiedLabel, height = '24rem', theme = 'light' }: CodeDiffProps) {
  return (
    <DiffEditor
      original={original}
      modified={modified}
      language={language}
      height={height}
      theme={theme === 'dark' ? 'vs-dark' : 'vs'}
      options={{
        readOnly: true,
        originalEditable: false,
        originalAriaLabel: originalLabel,
        ariaLabel: modifiedLabel,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        automaticLayout: true,
        renderSideBySide: true,
        fontSize: 13,
      }}
    />
  );
}
