import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { Kbd } from '../../components/Kbd';
import { Markdown } from '../../components/Markdown';
import { TextAreaField } from '../../components/TextAreaField';
import { formatDateTime } from '../../lib/format';
import { useLiveEvent, useLiveResync, useLiveStatus } from '../live/live';
import { canEndWait, canFail, canRetry, canSkip, canStop, currentStepIndex, primaryAction, waitWords } from './actions';
import { ExecutionStatusBadge, ProgressText, StepStatusBadge } from './badges';
import { saveStepOutput } from './download';
import { useExecutionKeys } from './keys';
import { INTERPRETER_LABELS, isDone, isFinished, KIND_LABELS } from './model';
import { OutputPane, useStepOutputs } from './OutputPane';
import { executionChanged, executionKeys, stepOutputUrl, useExecution, usePatchExecution, useRunStep } from './queries';
import { RunbookError } from './RunbookError';
import type { Execution, ExecutionStep, StepAction } from './types';
import './runbooks.css';

export function ExecutionPage() {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const live = useLiveStatus();
  // Live updates keep it current; without them (offline, reconnecting) it is refetched every few seconds.
  const execution = useExecution(id, live !== 'connected' ? 3000 : false);
  const outputs = useStepOutputs(execution.data);

  useLiveEvent(`execution:${id}`, (event) => {
    if (event.event === 'execution.output') outputs.append(event.data);
    else executionChanged(client, id, event.event === 'execution.updated' && isExecution(event.data) ? event.data : undefined);
  });
  useLiveResync(() => void client.invalidateQueries({ queryKey: executionKeys.detail(id) }));

  if (execution.error) {
    return (
      <section className="page">
        <p className="breadcrumb">
          <Link to="/runbooks">← Runbooks</Link>
        </p>
        {isApiError(execution.error, 'NOT_FOUND') ? <h1>No such execution</h1> : <RunbookError error={execution.error} />}
      </section>
    );
  }
  if (!execution.data) return <p role="status" className="page muted">Loading the execution…</p>;
  return <ExecutionView execution={execution.data} outputs={outputs} />;
}

const isExecution = (value: unknown): value is Execution => typeof value === 'object' && value !== null && 'steps' in value && 'status' in value;

type Ask = { action: 'skip' | 'fail' | 'stop'; step: ExecutionStep } | { action: 'cancel' } | null;

function ExecutionView({ execution, outputs }: { execution: Execution; outputs: ReturnType<typeof useStepOutputs> }) {
  const patch = usePatchExecution(execution.id);
  const run = useRunStep(execution.id);
  const [selectedId, setSelectedId] = useState(() => execution.steps[currentStepIndex(execution.steps)]?.id ?? '');
  const [ask, setAsk] = useState<Ask>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const selectedIndex = Math.max(0, execution.steps.findIndex((s) => s.id === selectedId));
  const step = execution.steps[selectedIndex];
  const status = execution.status;
  const finished = isFinished(status);

  const error = patch.error ?? run.error;
  const clearErrors = () => {
    patch.reset();
    run.reset();
  };
  // Completing or skipping a step moves on to the next one not done, as a person would; a step that
  // ran stays selected, so its output stays in view until they move on.
  const stepAction = (target: ExecutionStep, action: StepAction, reason?: string, onDone?: () => void) => {
    clearErrors();
    patch.mutate(
      { steps: [{ step: target.id, action, ...(reason ? { reason } : {}) }] },
      {
        onSuccess: (next) => {
          onDone?.();
          if (action !== 'complete' && action !== 'skip') return;
          const index = next.steps.findIndex((s) => s.id === target.id);
          const after = next.steps.slice(index + 1).find((s) => !isDone(s.status));
          if (after) setSelectedId((current) => (current === target.id ? after.id : current));
        },
      },
    );
  };
  const primary = step ? primaryAction(step, status) : null;
  const doPrimary = () => {
    if (!step || !primary || patch.isPending || run.isPending) return;
    clearErrors();
    if (primary.kind === 'complete') stepAction(step, 'complete');
    else run.mutate(step.id);
  };
  const select = (index: number) => {
    const next = execution.steps[Math.min(execution.steps.length - 1, Math.max(0, index))];
    if (next) setSelectedId(next.id);
  };

  useExecutionKeys({
    j: () => select(selectedIndex + 1),
    k: () => select(selectedIndex - 1),
    Enter: doPrimary,
    s: () => step && canSkip(step, status) && setAsk({ action: 'skip', step }),
    r: () => step && canRetry(step, status) && stepAction(step, 'retry'),
  });

  useEffect(() => {
    document.getElementById(`exec-step-${selectedId}`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  return (
    <article className="page execution-page" aria-labelledby="execution-title">
      <p className="breadcrumb">
        <Link to="/runbooks">← Runbooks</Link>
        {execution.incident_id ? (
          <>
            {' · '}
            <Link to={`/incidents/${execution.incident_id}`}>Back to the incident</Link>
          </>
        ) : null}
      </p>
      <header className="runbook-header">
        <div>
          <h1 id="execution-title">{execution.title}</h1>
          <p className="execution-meta">
            <span data-testid="execution-status">
              <ExecutionStatusBadge status={status} />
            </span>{' '}
            <ProgressText progress={execution.progress} />{' '}
            <span className="muted">
              · <Link to={`/runbooks/${execution.procedure_id}`}>runbook v{execution.procedure_version}</Link> · started by {execution.started_by_name ?? 'someone'} {formatDateTime(execution.started_at)}
              {execution.finished_at ? ` · finished ${formatDateTime(execution.finished_at)}` : ''}
            </span>
          </p>
          {Object.keys(execution.variables).length ? (
            <p className="execution-variables">
              {Object.entries(execution.variables).map(([name, value]) => (
                <span key={name} className="tag">
                  {name}={value}
                </span>
              ))}
            </p>
          ) : null}
        </div>
        <div className="runbook-actions">
          {status === 'running' ? (
            <button type="button" onClick={() => (clearErrors(), patch.mutate({ status: 'paused' }))} disabled={patch.isPending}>
              Pause
            </button>
          ) : null}
          {status === 'paused' ? (
            <button type="button" className="primary" onClick={() => (clearErrors(), patch.mutate({ status: 'running' }))} disabled={patch.isPending}>
              Resume
            </button>
          ) : null}
          {!finished ? (
            <>
              <button type="button" className="danger" onClick={() => setAsk({ action: 'cancel' })}>
                Cancel execution
              </button>
              <button type="button" onClick={() => (clearErrors(), patch.mutate({ status: 'completed' }))} disabled={patch.isPending}>
                Finish
              </button>
            </>
          ) : null}
        </div>
      </header>
      {status === 'paused' ? <p className="warning">Paused: resume to run or complete steps.</p> : null}
      <RunbookError error={error} />
      <div className="execution-layout">
        <nav aria-label="Execution steps" className="execution-steps">
          <ol
            ref={listRef}
            role="listbox"
            aria-label="Steps"
            tabIndex={0}
            aria-activedescendant={step ? `exec-step-${step.id}` : undefined}
            className="step-list"
            onKeyDown={(event) => {
              const to = { ArrowDown: selectedIndex + 1, ArrowUp: selectedIndex - 1, Home: 0, End: execution.steps.length - 1 }[event.key];
              if (to === undefined) return;
              event.preventDefault();
              select(to);
            }}
          >
            {execution.steps.map((s, index) => (
              <li
                key={s.id}
                id={`exec-step-${s.id}`}
                role="option"
                aria-selected={s.id === step?.id}
                className={`step-item step-item-${s.status}`}
                onClick={() => {
                  setSelectedId(s.id);
                  listRef.current?.focus();
                }}
              >
                <span className="step-number">{index + 1}.</span>
                <span className="step-item-body">
                  <span className="step-item-title">{s.title}</span>
                  <span className="step-item-meta">
                    <StepStatusBadge status={s.status} /> <span className="muted">{KIND_LABELS[s.kind]}</span>
                    {s.actor && s.status !== 'pending' ? <span className="muted"> · {s.actor}</span> : null}
                  </span>
                </span>
              </li>
            ))}
          </ol>
          <p className="key-help muted">
            <Kbd keys={['J']} />/<Kbd keys={['K']} /> move · <Kbd keys={['Enter']} /> run or complete · <Kbd keys={['S']} /> skip · <Kbd keys={['R']} /> retry
          </p>
        </nav>
        {step ? (
          <section className="execution-step" aria-labelledby="step-title">
            <StepDetail
              step={step}
              index={selectedIndex}
              execution={execution}
              outputs={outputs}
              primary={primary}
              busy={patch.isPending || run.isPending}
              onPrimary={doPrimary}
              onRetry={() => stepAction(step, 'retry')}
              onAsk={(action) => setAsk({ action, step })}
              onEndWait={() => stepAction(step, 'complete')}
            />
          </section>
        ) : (
          <p className="muted">This execution has no steps.</p>
        )}
      </div>
      <Notes execution={execution} />
      {ask && ask.action !== 'cancel' ? (
        <ReasonDialog
          title={ask.action === 'skip' ? `Skip “${ask.step.title}”?` : ask.action === 'fail' ? `Mark “${ask.step.title}” failed?` : `Stop “${ask.step.title}”?`}
          confirmLabel={ask.action === 'skip' ? 'Skip step' : ask.action === 'fail' ? 'Mark failed' : 'Stop step'}
          pending={patch.isPending}
          error={patch.error}
          onClose={() => (patch.reset(), setAsk(null))}
          onConfirm={(reason) => stepAction(ask.step, ask.action, reason, () => setAsk(null))}
        />
      ) : null}
      {ask?.action === 'cancel' ? (
        <ConfirmDialog
          title="Cancel this execution?"
          message="Steps not done stay as they are, and nothing more can run in this execution. The record stays."
          confirmLabel="Cancel execution"
          pending={patch.isPending}
          error={patch.error}
          onCancel={() => (patch.reset(), setAsk(null))}
          onConfirm={() => patch.mutate({ status: 'cancelled' }, { onSuccess: () => setAsk(null) })}
        />
      ) : null}
    </article>
  );
}

interface StepDetailProps {
  step: ExecutionStep;
  index: number;
  execution: Execution;
  outputs: ReturnType<typeof useStepOutputs>;
  primary: ReturnType<typeof primaryAction>;
  busy: boolean;
  onPrimary: () => void;
  onRetry: () => void;
  onAsk: (action: 'skip' | 'fail' | 'stop') => void;
  onEndWait: () => void;
}

function StepDetail({ step, index, execution, outputs, primary, busy, onPrimary, onRetry, onAsk, onEndWait }: StepDetailProps) {
  const status = execution.status;
  const hasOutput = step.kind !== 'manual';
  const buffer = outputs.bufferFor(step);
  const [saveError, setSaveError] = useState<unknown>(null);
  const outputUrl = stepOutputUrl(execution.id, step.id, step.attempt || undefined);

  return (
    <>
      <div className="section-header">
        <h2 id="step-title">
          {index + 1}. {step.title}
        </h2>
        <StepStatusBadge status={step.status} />
      </div>
      <p className="muted step-facts">
        {KIND_LABELS[step.kind]}
        {step.attempt > 1 ? ` · attempt ${step.attempt}` : ''}
        {step.actor ? ` · ${step.actor}` : ''}
        {step.started_at ? ` · started ${formatDateTime(step.started_at)}` : ''}
        {step.finished_at ? ` · finished ${formatDateTime(step.finished_at)}` : ''}
        {step.exit_code !== null ? ` · exit code ${step.exit_code}` : ''}
      </p>
      {step.reason ? (
        <p className={step.status === 'failed' || step.status === 'interrupted' ? 'error step-reason' : 'step-reason'}>
          <strong>{step.status === 'skipped' ? 'Skipped: ' : 'Reason: '}</strong>
          {step.reason}
        </p>
      ) : null}
      {step.instructions.trim() ? <Markdown source={step.instructions} className="step-instructions-view" /> : null}
      <StepSpec step={step} />
      <div className="step-actions">
        {primary ? (
          <button type="button" className="primary" onClick={onPrimary} disabled={busy} aria-keyshortcuts="Enter">
            {primary.label} <Kbd keys={['Enter']} />
          </button>
        ) : null}
        {canRetry(step, status) ? (
          <button type="button" onClick={onRetry} disabled={busy} aria-keyshortcuts="R">
            Retry <Kbd keys={['R']} />
          </button>
        ) : null}
        {canEndWait(step, status) ? (
          <button type="button" onClick={onEndWait} disabled={busy}>
            End the wait now
          </button>
        ) : null}
        {canStop(step, status) ? (
          <button type="button" className="danger" onClick={() => onAsk('stop')} disabled={busy}>
            Stop
          </button>
        ) : null}
        {canFail(step, status) ? (
          <button type="button" onClick={() => onAsk('fail')} disabled={busy}>
            Mark failed…
          </button>
        ) : null}
        {canSkip(step, status) ? (
          <button type="button" onClick={() => onAsk('skip')} disabled={busy} aria-keyshortcuts="S">
            Skip… <Kbd keys={['S']} />
          </button>
        ) : null}
      </div>
      {hasOutput ? (
        <section aria-label="Output" className="step-output">
          <div className="section-header">
            <h3>Output{step.attempt > 1 ? ` (attempt ${step.attempt})` : ''}</h3>
            {step.attempt > 0 ? (
              <a
                href={outputUrl}
                download={`${execution.id}-${step.id}-${step.attempt}.log`}
                onClick={(event) => {
                  event.preventDefault();
                  setSaveError(null);
                  saveStepOutput(outputUrl, `${step.id}-attempt-${step.attempt}.log`).catch(setSaveError);
                }}
              >
                Download full output
              </a>
            ) : null}
          </div>
          <RunbookError error={saveError} />
          <OutputPane key={`${step.id}:${buffer.attempt}`} buffer={buffer} label={`Output of ${step.title}`} running={step.status === 'running'} />
        </section>
      ) : null}
    </>
  );
}

/** What the step will do, shown before anyone runs it. */
function StepSpec({ step }: { step: ExecutionStep }) {
  let body: ReactNode = null;
  if (step.kind === 'command' && step.command) {
    const c = step.command;
    const env = Object.entries(c.env ?? {});
    body = (
      <>
        <p className="muted">
          {INTERPRETER_LABELS[c.interpreter]} script{c.working_dir ? ` in ${c.working_dir}` : ''}, timeout {c.timeout_seconds ?? 300} s, expects exit code {c.expected_exit_code ?? 0}
          {env.length ? `; environment: ${env.map(([name, value]) => (typeof value === 'string' ? name : `${name} (secret ${value.secret})`)).join(', ')}` : ''}
        </p>
        <pre className="step-script" aria-label="Script">
          {c.script}
        </pre>
      </>
    );
  } else if (step.kind === 'http' && step.http) {
    const h = step.http;
    body = (
      <p className="muted">
        <code>
          {h.method} {h.url}
        </code>
        {`, expects ${h.expected_status ?? 'any 2xx'}`}
        {h.body_contains ? ` and a body containing “${h.body_contains}”` : ''}
      </p>
    );
  } else if (step.kind === 'wait') {
    body = <p className="muted">Waits{waitWords(step)}.</p>;
  }
  return body ? <div className="step-spec">{body}</div> : null;
}

function ReasonDialog({ title, confirmLabel, pending, error, onClose, onConfirm }: { title: string; confirmLabel: string; pending: boolean; error: unknown; onClose: () => void; onConfirm: (reason: string) => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onConfirm(String(new FormData(event.currentTarget).get('reason') ?? '').trim());
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <TextAreaField label="Reason" name="reason" required maxLength={2_000} rows={3} autoFocus hint="Kept with the step and shown on the incident's timeline." />
        <RunbookError error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Notes({ execution }: { execution: Execution }) {
  const patch = usePatchExecution(execution.id);
  const [notes, setNotes] = useState(execution.notes);
  const [editing, setEditing] = useState(false);
  // Someone else's notes arrive live; what is being typed here is never overwritten.
  useEffect(() => {
    if (!editing) setNotes(execution.notes);
  }, [execution.notes, editing]);
  return (
    <section aria-labelledby="notes-title" className="execution-notes">
      <h2 id="notes-title">Notes</h2>
      <TextAreaField
        label="Notes for this execution"
        name="notes"
        value={notes}
        rows={3}
        maxLength={20_000}
        onFocus={() => setEditing(true)}
        onChange={(event) => setNotes(event.target.value)}
      />
      <RunbookError error={patch.error} />
      <div className="dialog-actions">
        {patch.isSuccess && !editing ? <span role="status">Notes saved.</span> : null}
        <button type="button" disabled={patch.isPending || notes === execution.notes} onClick={() => patch.mutate({ notes }, { onSuccess: () => setEditing(false) })}>
          Save notes
        </button>
      </div>
    </section>
  );
}
