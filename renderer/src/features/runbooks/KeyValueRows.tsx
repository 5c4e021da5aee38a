import { emptyRow, type KeyValueRow } from './draft';

interface KeyValueRowsProps {
  /** The fieldset's legend, and the start of each control's accessible name ("Environment name 1"). */
  legend: string;
  rows: KeyValueRow[];
  onChange: (rows: KeyValueRow[]) => void;
  namePlaceholder?: string;
  valuePlaceholder?: string;
  /** Values may name a secret instead (env, headers): the script gets the secret's value at run time. */
  secrets?: boolean;
  hint?: string;
  addLabel: string;
}

/** Name/value pairs (environment, headers, alert labels) as rows that are added and removed. */
export function KeyValueRows({ legend, rows, onChange, namePlaceholder, valuePlaceholder, secrets = false, hint, addLabel }: KeyValueRowsProps) {
  const update = (key: string, patch: Partial<KeyValueRow>) => onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  return (
    <fieldset className="kv-rows">
      <legend>{legend}</legend>
      {hint ? <p className="hint">{hint}</p> : null}
      {rows.map((row, index) => (
        <div key={row.key} className={secrets ? 'kv-row kv-row-secret' : 'kv-row'}>
          <input aria-label={`${legend} name ${index + 1}`} value={row.name} placeholder={namePlaceholder} onChange={(event) => update(row.key, { name: event.target.value })} />
          {secrets ? (
            <select aria-label={`${legend} source ${index + 1}`} value={row.source} onChange={(event) => update(row.key, { source: event.target.value as KeyValueRow['source'] })}>
              <option value="value">Value</option>
              <option value="secret">Secret</option>
            </select>
          ) : null}
          <input
            aria-label={row.source === 'secret' ? `${legend} secret name ${index + 1}` : `${legend} value ${index + 1}`}
            value={row.value}
            placeholder={row.source === 'secret' ? 'Secret name' : valuePlaceholder}
            className={row.source === 'secret' ? 'kv-secret' : undefined}
            onChange={(event) => update(row.key, { value: event.target.value })}
          />
          <button type="button" className="danger" aria-label={`Remove ${legend.toLowerCase()} ${row.name || index + 1}`} onClick={() => onChange(rows.filter((r) => r.key !== row.key))}>
            Remove
          </button>
        </div>
      ))}
      <div>
        <button type="button" onClick={() => onChange([...rows, emptyRow()])}>
          {addLabel}
        </button>
      </div>
    </fieldset>
  );
}
