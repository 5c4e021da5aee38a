import { loadConfig } from './config';
import { startServer } from './start';

/**
 * Entry of the server inside Electron's utility process (DESIGN.md §1). The desktop's main process
 * passes flags as argv and gets `{type: 'ready', url, bootstrapToken}` or `{type: 'error', message}` back.
 */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;

async function main(): Promise<void> {
  if (!parentPort) throw new Error('electron-host must run in an Electron utility process');
  const config = loadConfig(process.argv.slice(2), process.env);
  const server = await startServer(config, { allowCommandStepsByDefault: true, bootstrap: true });
  parentPort.on('message', ({ data }) => {
    if ((data as { type?: string } | null)?.type === 'shutdown') {
      void server.close().then(() => process.exit(0));
    }
  });
  parentPort.postMessage({ type: 'ready', url: server.url, bootstrapToken: server.bootstrapToken });
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ type: 'error', message: (error as Error).message, code: (error as { code?: string }).code ?? null });
  process.exit(1);
});
