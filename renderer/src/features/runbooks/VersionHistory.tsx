import { useState } from 'react';
import { CodeDiff } from '../../components/CodeDiff';
import { SelectField } from '../../components/SelectField';
import { formatDateTime } from '../../lib/format';
import { useTheme } from '../theme/store';
import { exportRunbook } from './download';
import { useRunbookMarkdown, useRunbookVersions } from './queries';
import { RunbookError } from './RunbookError';

/** Every saved version, and what changed between any two of them, compared as their Markdown. */
export function VersionHistory({ id, latest }: { id: string; latest: number }) {
  const versions = useRunbookVersions(id);
  const [from, setFrom] = useState(Math.max(1, latest - 1));
  const [to, setTo] = useState(latest);
  const original = useRunbookMarkdown(id, from);
  const modified = useRunbookMarkdown(id, to);
  const theme = useTheme();
  const rows = versions.data?.data ?? [];
  const options = rows.map((v) => ({ value: String(v.version), label: `v${v.version}${v.change_note ? ` — ${v.change_note}` : ''}` }));

  return (
    <div className="version-history">
      <RunbookError error={versions.error} />
      <table className="table" aria-label="Versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Title</th>
            <th scope="col">Steps</th>
            <th scope="col">Change</th>
            <th scope="col">By</th>
            <th scope="col">Saved</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.version}>
              <td>v{v.version}</td>
              <td>{v.title}</td>
              <td>{v.step_count}</td>
              <td>{v.change_note || <span className="muted">—</span>}</td>
              <td>{v.created_by_name ?? '—'}</td>
              <td>{formatDateTime(v.created_at)}</td>
              <td className="row-actions">
                <button type="button" onClick={() => (setFrom(Math.max(1, v.version - 1)), setTo(v.version))} aria-label={`Show the changes of version ${v.version}`} disabled={v.version === 1}>
                  Changes
                </button>
                <button type="button" onClick={() => void exportRunbook(id, v.version)} aria-label={`Export version ${v.version} as Markdown`}>
                  Export
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > 1 ? (
        <section aria-labelledby="diff-title" className="version-diff">
          <div className="section-header">
            <h3 id="diff-title">Compare versions</h3>
            <div className="diff-pickers">
              <SelectField label="From" value={String(from)} onChange={(event) => setFrom(Number(event.target.value))} options={options} />
              <SelectField label="To" value={String(to)} onChange={(event) => setTo(Number(event.target.value))} options={options} />
            </div>
          </div>
          <RunbookError error={original.error ?? modified.error} />
          {original.data !== undefined && modified.data !== undefined ? (
            <CodeDiff original={original.data} modified={modified.data} language="markdown" originalLabel={`Version ${from}`} modifiedLabel={`Version ${to}`} theme={theme} />
          ) : (
            <p className="muted">Loading both versions…</p>
          )}
        </section>
      ) : (
        <p className="muted">One version so far: saving changes adds the next, and this page compares them.</p>
      )}
    </div>
  );
}
