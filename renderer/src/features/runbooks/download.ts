import { toApiError } from '../../api/errors';
import { desktopSaveFile } from '../../lib/desktop';
import { fetchRunbookMarkdown } from './queries';

export type SaveResult = 'saved' | 'cancelled' | 'downloaded';

/** Lets the browser download a same-origin URL itself (the session cookie rides along); an empty name keeps the server's. */
function browserDownload(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

/** A runbook version as a .md file: the desktop's save dialog, or the browser's download. */
export async function exportRunbook(id: string, version?: number): Promise<SaveResult> {
  const saveFile = desktopSaveFile();
  if (saveFile) {
    const { text, filename } = await fetchRunbookMarkdown(id, version);
    return (await saveFile({ defaultName: filename, content: text })).saved ? 'saved' : 'cancelled';
  }
  browserDownload(`/api/v1/procedures/${encodeURIComponent(id)}/export${version === undefined ? '' : `?version=${version}`}`, '');
  return 'downloaded';
}

/** A step's whole output file (the console shows only its last lines). */
export async function saveStepOutput(url: string, name: string): Promise<SaveResult> {
  const saveFile = desktopSaveFile();
  if (saveFile) {
    const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/plain' } });
    if (!response.ok) throw toApiError(await response.json().catch(() => undefined), response);
    return (await saveFile({ defaultName: name, content: await response.text() })).saved ? 'saved' : 'cancelled';
  }
  browserDownload(url, name);
  return 'downloaded';
}
