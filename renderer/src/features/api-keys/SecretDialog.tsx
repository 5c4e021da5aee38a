import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import type { CreatedApiKey } from './queries';

type CopyState = 'idle' | 'copied' | 'failed';

/** The secret exists in the page only while this dialog is open; the server never shows it again. */
export function SecretDialog({ apiKey, onClose }: { apiKey: CreatedApiKey; onClose: () => void }) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const copySecret = () => {
    // Clipboard access needs a secure context; on a plain-http team server the person selects the text.
    if (!navigator.clipboard) return setCopy('failed');
    navigator.clipboard.writeText(apiKey.token).then(() => setCopy('copied'), () => setCopy('failed'));
  };
  return (
    <Dialog
      title="Your new API key"
      onClose={onClose}
      dismissible={false}
      description={
        <p className="warning" role="note">
          Copy this key now. It is shown only once: Nightshift keeps only a hash of it and cannot show it again.
        </p>
      }
    >
      <p>
        <strong>{apiKey.name}</strong> · scopes {apiKey.scopes.join(', ')}
      </p>
      <label className="field">
        <span>API key secret</span>
        <input className="secret" readOnly value={apiKey.token} onFocus={(event) => event.currentTarget.select()} />
      </label>
      <p role="status" className="copy-status">
        {copy === 'copied' ? 'Copied to the clipboard.' : copy === 'failed' ? 'Could not copy: select the key and copy it yourself.' : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={copySecret} autoFocus>
          Copy
        </button>
        <button type="button" onClick={onClose}>
          I have stored it
        </button>
      </div>
    </Dialog>
  );
}
