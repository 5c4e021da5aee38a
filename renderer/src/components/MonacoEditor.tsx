import Editor from '@monaco-editor/react';
import '../lib/monaco';

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  language?: string;
  readOnly?: boolean;
  /** Accessible name of the editor's text area. */
  label: string;
  height?: string;
  theme?: 'light' | 'dark';
}

export default function MonacoEditor({ value, onChange, language, readOnly, label, height = '20rem', theme = 'light' }: CodeEditorProps) {
  return (
    <Editor
      value={value}
      language={language}
      height={height}
      theme={theme === 'dark' ? 'vs-dark' : 'vs'}
      onChange={(next) => onChange?.(next ?? '')}
      options={{
        readOnly,
        ariaLabel: label,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        automaticLayout: true,
        fontSize: 13,
        tabSize: 2,
      }}
    />
  );
}
