import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { ConfirmDelete, ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { TextAreaField } from '../../components/TextAreaField';
import { formatDateTime } from '../../lib/format';
import { useLiveEvent } from '../live/live';
import { serviceKeys, useServiceOptions } from '../services/queries';
import { draftProblems, emptyDraft, fromDraft, isDirty, move, newKey, newStep, toDraft, type ProcedureDraftState, type StepDraft } from './draft';
import { exportRunbook } from './download';
import { KeyValueRows } from './KeyValueRows';
import { runbookKeys, useCreateRunbook, useDeleteRunbook, useExecutions, useRunbook, useSaveRunbook } from './queries';
import { RunbookError } from './RunbookError';
import { StartRunbookDialog } from './StartRunbookDialog';
import { StepEditor } from './StepEditor';
import type { Procedure } from './types';
import { VersionHistory } from './VersionHistory';
import { ExecutionStatusBadge, ProgressText } from './badges';
import './runbooks.css';

export function RunbookPage() {
  const { id = '' } = useParams();
  const isNew = id === 'new';
  const procedure = useRunbook(isNew ? '' : id);
  const client = useQueryClient();
  useLiveEvent('procedures', (event) => {
    const changed = event.data as { id?: string } | undefined;
    if (changed?.id === id) void client.invalidateQueries({ queryKey: runbookKeys.detail(id) });
  });

  if (isNew) return <Editor key="new" />;
  if (procedure.error) {
    return (
      <section className="page">
        <p className="breadcrumb">
          <Link to="/runbooks">← Runbooks</Link>
        </p>
        {isApiError(procedure.error, 'NOT_FOUND') ? <h1>No such runbook</h1> : <RunbookError error={procedure.error} />}
      </section>
    );
  }
  if (!procedure.data) return <p role="status" className="page muted">Loading the runbook…</p>;
  return <Editor key={procedure.data.id} procedure={procedure.data} />;
}

type Tab = 'edit' | 'history' | 'executions';
type Open = 'save' | 'delete' | 'start' | null;

function Editor({ procedure }: { procedure?: Procedure }) {
  const navigate = useNavigate();
  const [loaded, setLoaded] = useState<ProcedureDraftState>(() => (procedure ? toDraft(procedure) : emptyDraft()));
  const [draft, setDraft] = useState<ProcedureDraftState>(loaded);
  const [loadedVersion, setLoadedVersion] = useState(procedure?.version ?? 0);
  const [tab, setTab] = useState<Tab>('edit');
  const [open, setOpen] = useState<Open>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const create = useCreateRunbook();
  const save = useSaveRunbook(procedure?.id ?? '');
  const remove = useDeleteRunbook();
  const dirty = isDirty(draft, loaded);
  const saving = useRef(false);

  // Someone else saved a version: follow it when nothing here is unsaved, else say so (saving then conflicts).
  useEffect(() => {
    if (!procedure || procedure.version === loadedVersion) return;
    if (!dirty) {
      const next = toDraft(procedure);
      setLoaded(next);
      setDraft(next);
      setLoadedVersion(procedure.version);
    }
  }, [procedure, loadedVersion, dirty]);

  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && !saving.current && currentLocation.pathname !== nextLocation.pathname);

  const update = (change: (draft: ProcedureDraftState) => ProcedureDraftState) => setDraft((current) => change(current));
  const updateStep = (key: string, change: (step: StepDraft) => StepDraft) => update((d) => ({ ...d, steps: d.steps.map((s) => (s.key === key ? change(s) : s)) }));

  const check = (): boolean => {
    const found = draftProblems(draft);
    setProblems(found);
    return found.length === 0;
  };

  const afterSave = (saved: Procedure) => {
    const next = toDraft(saved);
    setLoaded(next);
    setDraft(next);
    setLoadedVersion(saved.version);
    setMessage(saved.version === procedure?.version ? 'Nothing changed.' : `Saved version ${saved.version}.`);
  };

  const startSave = () => {
    setMessage('');
    if (!check()) return;
    if (!procedure) {
      saving.current = true;
      create.mutate(fromDraft(draft), {
        onSuccess: (created) => navigate(`/runbooks/${created.id}`, { replace: true }),
        onSettled: () => (saving.current = false),
      });
    } else setOpen('save');
  };

  const submitSave = (changeNote: string) =>
    save.mutate(
      { ...fromDraft(draft), ...(changeNote ? { change_note: changeNote } : {}), base_version: loadedVersion },
      {
        onSuccess: (saved) => {
          setOpen(null);
          afterSave(saved);
        },
      },
    );

  const newer = procedure && procedure.latest_version > loadedVersion ? procedure.latest_version : null;
  const title = procedure ? procedure.title : 'New runbook';

  return (
    <article className="page runbook-page" aria-labelledby="runbook-title">
      <p className="breadcrumb">
        <Link to="/runbooks">← Runbooks</Link>
      </p>
      <header className="runbook-header">
        <div>
          <h1 id="runbook-title">{title}</h1>
          {procedure ? (
            <p className="muted">
              Version {loadedVersion} · updated {formatDateTime(procedure.updated_at)}
              {dirty ? <span className="tag unsaved">Unsaved changes</span> : null}
            </p>
          ) : null}
        </div>
        <div className="runbook-actions">
          {procedure ? (
            <>
              <button type="button" onClick={() => setOpen('start')} disabled={dirty} title={dirty ? 'Save the changes first' : undefined}>
                Start execution
              </button>
              <button type="button" onClick={() => void exportRunbook(procedure.id, loadedVersion)}>
                Export .md
              </button>
              <button type="button" className="danger" onClick={() => setOpen('delete')}>
                Delete
              </button>
            </>
          ) : null}
          <button type="button" className="primary" onClick={startSave} disabled={create.isPending || save.isPending || (procedure !== undefined && !dirty)}>
            {procedure ? 'Save version…' : 'Create runbook'}
          </button>
        </div>
      </header>
      {newer ? (
        <p className="warning" role="alert">
          Version {newer} was saved by someone else while you edited. Saving now would conflict: keep a copy of your changes and reload.
        </p>
      ) : null}
      {message ? (
        <p role="status" className="save-status">
          {message}
        </p>
      ) : null}
      {problems.length ? (
        <div role="alert" className="error">
          <p>Fix these before saving:</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <RunbookError error={create.error} />
      {procedure ? (
        <div role="tablist" aria-label="Runbook" className="subnav tabs">
          {(['edit', 'history', 'executions'] as const).map((t) => (
            <button key={t} type="button" role="tab" id={`tab-${t}`} aria-selected={tab === t} aria-controls={`panel-${t}`} className={tab === t ? 'active' : undefined} onClick={() => setTab(t)}>
              {t === 'edit' ? 'Edit' : t === 'history' ? 'History' : 'Executions'}
            </button>
          ))}
        </div>
      ) : null}
      {tab === 'edit' ? (
        <div role={procedure ? 'tabpanel' : undefined} id="panel-edit" aria-labelledby={procedure ? 'tab-edit' : undefined}>
          <EditForm draft={draft} update={update} updateStep={updateStep} />
        </div>
      ) : null}
      {tab === 'history' && procedure ? (
        <div role="tabpanel" id="panel-history" aria-labelledby="tab-history">
          <VersionHistory key={procedure.latest_version} id={procedure.id} latest={procedure.latest_version} />
        </div>
      ) : null}
      {tab === 'executions' && procedure ? (
        <div role="tabpanel" id="panel-executions" aria-labelledby="tab-executions">
          <RunbookExecutions procedureId={procedure.id} />
        </div>
      ) : null}
      {open === 'save' ? <SaveDialog pending={save.isPending} error={save.error} onSave={submitSave} onClose={() => (save.reset(), setOpen(null))} /> : null}
      {open === 'start' && procedure ? <StartRunbookDialog procedureId={procedure.id} onClose={() => setOpen(null)} /> : null}
      {open === 'delete' && procedure ? (
        <ConfirmDelete
          id={procedure.id}
          action={{ ...remove, mutate: (id, options) => remove.mutate(id, { onSuccess: () => (options.onSuccess(), (saving.current = true), navigate('/runbooks')) }) }}
          onClose={() => setOpen(null)}
          title={`Delete “${procedure.title}”?`}
          message="It leaves the library and is no longer suggested. Executions keep the steps they ran."
          confirmLabel="Delete runbook"
        />
      ) : null}
      {blocker.state === 'blocked' ? (
        <ConfirmDialog
          title="Leave without saving?"
          message="Your changes to this runbook are not saved."
          confirmLabel="Leave"
          onConfirm={() => blocker.proceed()}
          onCancel={() => blocker.reset()}
        />
      ) : null}
    </article>
  );
}

function EditForm({ draft, update, updateStep }: { draft: ProcedureDraftState; update: (change: (d: ProcedureDraftState) => ProcedureDraftState) => void; updateStep: (key: string, change: (s: StepDraft) => StepDraft) => void }) {
  const services = useServiceOptions();
  const client = useQueryClient();
  // The choices may be cached from before a service was added elsewhere: read them afresh here.
  useEffect(() => void client.invalidateQueries({ queryKey: serviceKeys.options() }), [client]);
  const toggleService = (id: string, on: boolean) => update((d) => ({ ...d, service_ids: on ? [...d.service_ids, id] : d.service_ids.filter((s) => s !== id) }));
  return (
    <form className="form runbook-form" aria-label="Runbook" onSubmit={(event: FormEvent) => event.preventDefault()}>
      <section className="runbook-details" aria-label="Details">
        <Field label="Title" value={draft.title} required maxLength={200} onChange={(event) => update((d) => ({ ...d, title: event.target.value }))} />
        <TextAreaField label="Description" value={draft.description} rows={2} maxLength={20_000} onChange={(event) => update((d) => ({ ...d, description: event.target.value }))} />
        <Field label="Tags" value={draft.tags} hint="Separated by commas." onChange={(event) => update((d) => ({ ...d, tags: event.target.value }))} />
        <div className="field-row runbook-matching">
          <fieldset className="scopes">
            <legend>Services</legend>
            <p className="hint">Suggested on incidents that affect these services.</p>
            {services.length === 0 ? <p className="muted">No services yet.</p> : null}
            {services.map((service) => (
              <label key={service.value} className="check">
                <input type="checkbox" checked={draft.service_ids.includes(service.value)} onChange={(event) => toggleService(service.value, event.target.checked)} />
                <span>{service.label}</span>
              </label>
            ))}
          </fieldset>
          <KeyValueRows
            legend="Alert labels"
            rows={draft.alert_labels}
            onChange={(alert_labels) => update((d) => ({ ...d, alert_labels }))}
            namePlaceholder="alertname"
            valuePlaceholder="PgBouncerDown or *"
            addLabel="Add label"
            hint="Suggested when an incident's alert has all these labels; * matches any value."
          />
        </div>
        <VariablesEditor draft={draft} update={update} />
      </section>
      <section aria-labelledby="steps-title" className="runbook-steps">
        <h2 id="steps-title">Steps</h2>
        <ol className="step-editors">
          {draft.steps.map((step, index) => (
            <StepEditor
              key={step.key}
              step={step}
              index={index}
              count={draft.steps.length}
              onChange={(change) => updateStep(step.key, change)}
              onMove={(by) => update((d) => ({ ...d, steps: move(d.steps, index, by) }))}
              onRemove={() => update((d) => ({ ...d, steps: d.steps.filter((s) => s.key !== step.key) }))}
            />
          ))}
        </ol>
        <div className="add-step">
          <span className="muted">Add a step:</span>
          {(['manual', 'command', 'http', 'wait'] as const).map((kind) => (
            <button key={kind} type="button" onClick={() => update((d) => ({ ...d, steps: [...d.steps, newStep(kind)] }))}>
              {kind === 'manual' ? 'Manual' : kind === 'command' ? 'Command' : kind === 'http' ? 'HTTP check' : 'Wait'}
            </button>
          ))}
        </div>
      </section>
    </form>
  );
}

function VariablesEditor({ draft, update }: { draft: ProcedureDraftState; update: (change: (d: ProcedureDraftState) => ProcedureDraftState) => void }) {
  const set = (key: string, patch: Partial<ProcedureDraftState['variables'][number]>) =>
    update((d) => ({ ...d, variables: d.variables.map((v) => (v.key === key ? { ...v, ...patch } : v)) }));
  return (
    <fieldset className="kv-rows">
      <legend>Variables</legend>
      <p className="hint">
        Asked for when the runbook starts; scripts read them as <code>NIGHTSHIFT_VAR_&lt;NAME&gt;</code>.
      </p>
      {draft.variables.map((variable, index) => (
        <div key={variable.key} className="variable-row">
          <input aria-label={`Variable name ${index + 1}`} value={variable.name} placeholder="name" onChange={(event) => set(variable.key, { name: event.target.value })} />
          <input aria-label={`Variable description ${index + 1}`} value={variable.description} placeholder="What it is" onChange={(event) => set(variable.key, { description: event.target.value })} />
          <input aria-label={`Variable default ${index + 1}`} value={variable.default} placeholder="Default (optional)" onChange={(event) => set(variable.key, { default: event.target.value })} />
          <label className="check">
            <input type="checkbox" checked={variable.required} onChange={(event) => set(variable.key, { required: event.target.checked })} /> <span>Required</span>
          </label>
          <button type="button" className="danger" aria-label={`Remove variable ${variable.name || index + 1}`} onClick={() => update((d) => ({ ...d, variables: d.variables.filter((v) => v.key !== variable.key) }))}>
            Remove
          </button>
        </div>
      ))}
      <div>
        <button type="button" onClick={() => update((d) => ({ ...d, variables: [...d.variables, { key: newKey(), name: '', description: '', default: '', required: false }] }))}>
          Add variable
        </button>
      </div>
    </fieldset>
  );
}

function SaveDialog({ pending, error, onSave, onClose }: { pending: boolean; error: unknown; onSave: (note: string) => void; onClose: () => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSave(String(new FormData(event.currentTarget).get('change_note') ?? '').trim());
  };
  return (
    <Dialog title="Save a new version" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Field label="What changed" name="change_note" maxLength={500} autoFocus hint="Shown in the version history." />
        <RunbookError error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending}>
            Save version
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RunbookExecutions({ procedureId }: { procedureId: string }) {
  const executions = useExecutions({ procedure_id: procedureId }, 50);
  const rows = executions.data?.data ?? [];
  return (
    <>
      <RunbookError error={executions.error} />
      {executions.data && rows.length === 0 ? <p className="muted">Never run.</p> : null}
      {rows.length ? (
        <table className="table" aria-label="Executions">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((execution) => (
              <tr key={execution.id}>
                <td>
                  <Link to={`/runbooks/executions/${execution.id}`}>{formatDateTime(execution.started_at)}</Link>
                </td>
                <td>v{execution.procedure_version}</td>
                <td>
                  <ExecutionStatusBadge status={execution.status} />
                </td>
                <td>
                  <ProgressText progress={execution.progress} />
                </td>
                <td>{execution.started_by_name ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

