import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { platformLabel, type IntegrationWithSecret } from './queries';

type CopyState = { what: string; ok: boolean } | null;

/** The webhook URL and secret exist in the page only while this dialog is open; the server keeps a hash. */
export function WebhookSecretDialog({ integration, onClose }: { integration: IntegrationWithSecret; onClose: () => void }) {
  const [copy, setCopy] = useState<CopyState>(null);
  const copyText = (what: string, text: string) => {
    // Clipboard access needs a secure context; on a plain-http team server the person selects the text.
    if (!navigator.clipboard) return setCopy({ what, ok: false });
    navigator.clipboard.writeText(text).then(() => setCopy({ what, ok: true }), () => setCopy({ what, ok: false }));
  };
  return (
    <Dialog
      title="Webhook URL and secret"
      onClose={onClose}
      dismissible={false}
      className="wide"
      description={
        <p className="warning" role="note">
          Copy these now. They are shown only once: Nightshift keeps only a hash of the secret. Rotate the secret to get a new URL.
        </p>
      }
    >
      <p>
        <strong>{integration.name}</strong> · {platformLabel(integration.platform)}
      </p>
      <label className="field">
        <span>Webhook URL</span>
        <input className="secret" readOnly value={integration.webhook_url} onFocus={(event) => event.currentTarget.select()} />
      </label>
      <p className="hint">Paste it as the sender’s webhook URL (for Alertmanager: <code>webhook_configs.url</code>): the secret is in it.</p>
      <label className="field">
        <span>Webhook secret</span>
        <input className="secret" readOnly value={integration.secret} onFocus={(event) => event.currentTarget.select()} />
      </label>
      <p className="hint">
        Or POST to <code>{integration.webhook_endpoint}</code> with the secret in <code>Authorization: Bearer …</code> or <code>X-Nightshift-Secret</code>.
      </p>
      <p role="status" className="copy-status">
        {copy ? (copy.ok ? `${copy.what} copied to the clipboard.` : `Could not copy: select the ${copy.what.toLowerCase()} and copy it yourself.`) : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={() => copyText('Webhook URL', integration.webhook_url)} autoFocus>
          Copy URL
        </button>
        <button type="button" onClick={() => copyText('Secret', integration.secret)}>
          Copy secret
        </button>
        <button type="button" onClick={onClose}>
          I have stored it
        </button>
      </div>
    </Dialog>
  );
}
