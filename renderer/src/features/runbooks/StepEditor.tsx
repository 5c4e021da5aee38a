import { useState } from 'react';
import { CodeEditor } from '../../components/CodeEditor';
import { Field } from '../../components/Field';
import { Markdown } from '../../components/Markdown';
import { SelectField } from '../../components/SelectField';
import { TextAreaField } from '../../components/TextAreaField';
import { useTheme } from '../theme/store';
import type { StepDraft } from './draft';
import { KeyValueRows } from './KeyValueRows';
import { editorLanguage, HTTP_METHODS, INTERPRETER_LABELS, INTERPRETERS, KIND_LABELS, STEP_KINDS, WAIT_UNTIL, WAIT_UNTIL_LABELS, type HttpMethod, type Interpreter, type StepKind, type WaitUntil } from './model';

interface StepEditorProps {
  step: StepDraft;
  index: number;
  count: number;
  onChange: (update: (step: StepDraft) => StepDraft) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}

/** One step of the runbook: its title and instructions, and the settings of its kind. */
export function StepEditor({ step, index, count, onChange, onMove, onRemove }: StepEditorProps) {
  const [preview, setPreview] = useState(false);
  const n = index + 1;
  const set = (patch: Partial<StepDraft>) => onChange((s) => ({ ...s, ...patch }));
  const setCommand = (patch: Partial<StepDraft['command']>) => onChange((s) => ({ ...s, command: { ...s.command, ...patch } }));
  const setHttp = (patch: Partial<StepDraft['http']>) => onChange((s) => ({ ...s, http: { ...s.http, ...patch } }));
  const setWait = (patch: Partial<StepDraft['wait']>) => onChange((s) => ({ ...s, wait: { ...s.wait, ...patch } }));

  return (
    <li className="step-editor" data-kind={step.kind}>
      <fieldset>
        <legend>Step {n}</legend>
        <div className="step-editor-head">
          <Field label="Title" value={step.title} required maxLength={200} onChange={(event) => set({ title: event.target.value })} className="step-title-field" />
          <SelectField label="Kind" value={step.kind} onChange={(event) => set({ kind: event.target.value as StepKind })} options={STEP_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))} />
          <Field label="Step id" value={step.id} placeholder={`step-${n}`} maxLength={64} onChange={(event) => set({ id: event.target.value })} className="step-id-field" />
          <div className="step-editor-actions">
            <button type="button" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move step ${n} up`}>
              ↑
            </button>
            <button type="button" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move step ${n} down`}>
              ↓
            </button>
            <button type="button" className="danger" onClick={onRemove} aria-label={`Remove step ${n}`}>
              Remove
            </button>
          </div>
        </div>
        <div className="step-instructions">
          {preview ? (
            <section className="step-preview" aria-label={`Instructions of step ${n}, preview`}>
              {step.instructions.trim() ? <Markdown source={step.instructions} /> : <p className="muted">No instructions.</p>}
            </section>
          ) : (
            <TextAreaField label="Instructions (Markdown)" value={step.instructions} rows={4} maxLength={100_000} onChange={(event) => set({ instructions: event.target.value })} />
          )}
          <button type="button" className="link-button" aria-pressed={preview} onClick={() => setPreview(!preview)}>
            {preview ? 'Edit instructions' : 'Preview instructions'}
          </button>
        </div>
        {step.kind === 'command' ? <CommandFields step={step} n={n} setCommand={setCommand} /> : null}
        {step.kind === 'http' ? <HttpFields step={step} setHttp={setHttp} /> : null}
        {step.kind === 'wait' ? <WaitFields step={step} setWait={setWait} /> : null}
      </fieldset>
    </li>
  );
}

function CommandFields({ step, n, setCommand }: { step: StepDraft; n: number; setCommand: (patch: Partial<StepDraft['command']>) => void }) {
  const theme = useTheme();
  const c = step.command;
  return (
    <div className="step-kind-fields">
      <div className="field-row">
        <SelectField
          label="Interpreter"
          value={c.interpreter}
          onChange={(event) => setCommand({ interpreter: event.target.value as Interpreter })}
          options={INTERPRETERS.map((i) => ({ value: i, label: INTERPRETER_LABELS[i] }))}
        />
        <Field label="Timeout (seconds)" type="number" min={1} max={86_400} value={c.timeout_seconds} onChange={(event) => setCommand({ timeout_seconds: event.target.value })} />
        <Field label="Expected exit code" type="number" value={c.expected_exit_code} onChange={(event) => setCommand({ expected_exit_code: event.target.value })} />
        <Field label="Working directory" value={c.working_dir} placeholder="The server's default" onChange={(event) => setCommand({ working_dir: event.target.value })} />
      </div>
      <div className="field">
        <span>Script</span>
        <CodeEditor label={`Script of step ${n}`} language={editorLanguage(c.interpreter)} value={c.script} onChange={(script) => setCommand({ script })} theme={theme} height="12rem" />
        <p className="hint">
          Runs as <code>{c.interpreter} &lt;script file&gt;</code> on the host of the Nightshift server, never through a shell string. Incident fields and variables arrive as
          environment variables: <code>NIGHTSHIFT_INCIDENT_TITLE</code>, <code>NIGHTSHIFT_VAR_&lt;NAME&gt;</code>…
        </p>
      </div>
      <KeyValueRows
        legend="Environment"
        rows={c.env}
        onChange={(env) => setCommand({ env })}
        secrets
        namePlaceholder="NAME"
        valuePlaceholder="value"
        addLabel="Add variable"
        hint="A secret is stored on the server, never in the runbook; its value is redacted from the output."
      />
    </div>
  );
}

function HttpFields({ step, setHttp }: { step: StepDraft; setHttp: (patch: Partial<StepDraft['http']>) => void }) {
  const h = step.http;
  return (
    <div className="step-kind-fields">
      <div className="http-line">
        <SelectField label="Method" value={h.method} onChange={(event) => setHttp({ method: event.target.value as HttpMethod })} options={HTTP_METHODS.map((m) => ({ value: m, label: m }))} />
        <Field label="URL" type="url" value={h.url} placeholder="https://service.internal/health" onChange={(event) => setHttp({ url: event.target.value })} className="http-url" />
      </div>
      <KeyValueRows legend="Headers" rows={h.headers} onChange={(headers) => setHttp({ headers })} secrets namePlaceholder="Header" valuePlaceholder="value" addLabel="Add header" />
      {h.method !== 'GET' && h.method !== 'HEAD' ? <TextAreaField label="Body" value={h.body} rows={3} onChange={(event) => setHttp({ body: event.target.value })} /> : null}
      <div className="field-row">
        <Field label="Expected status" type="number" min={100} max={599} value={h.expected_status} placeholder="Any 2xx" onChange={(event) => setHttp({ expected_status: event.target.value })} />
        <Field label="Body contains" value={h.body_contains} placeholder="Nothing required" onChange={(event) => setHttp({ body_contains: event.target.value })} />
        <Field label="Timeout (seconds)" type="number" min={1} max={300} value={h.timeout_seconds} onChange={(event) => setHttp({ timeout_seconds: event.target.value })} />
      </div>
    </div>
  );
}

function WaitFields({ step, setWait }: { step: StepDraft; setWait: (patch: Partial<StepDraft['wait']>) => void }) {
  const w = step.wait;
  return (
    <div className="step-kind-fields field-row">
      <Field label="Wait (seconds)" type="number" min={1} max={86_400} value={w.seconds} onChange={(event) => setWait({ seconds: event.target.value })} hint={w.until ? 'At most this long for the condition.' : undefined} />
      <SelectField
        label="Until"
        value={w.until}
        onChange={(event) => setWait({ until: event.target.value as WaitUntil | '' })}
        options={[{ value: '', label: 'No condition' }, ...WAIT_UNTIL.map((u) => ({ value: u, label: WAIT_UNTIL_LABELS[u] }))]}
      />
    </div>
  );
}
