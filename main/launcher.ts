import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { join } from 'node:path';
import { decideLaunch } from './launch-decision';

/**
 * `npm start`, in plain Node (out/main/launcher.js): the desktop app where Electron can run, else the
 * headless server. Arguments after `npm start --` go to `nightshift serve` in the headless case.
 */
const root = join(import.meta.dirname, '../..');

function electronBinary(): string | undefined {
  try {
    // In plain Node the electron package exports the binary's path, and throws when it was never downloaded.
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' ? path : undefined;
  } catch {
    return undefined;
  }
}

const electronPath = electronBinary();
const decision = decideLaunch({
  platform: process.platform,
  env: process.env,
  electronPath,
  binaryExists: electronPath !== undefined && existsSync(electronPath),
});

let command: string;
let args: string[];
const env = { ...process.env };
if (decision.mode === 'desktop') {
  [command, args] = [decision.electronPath, [root]];
  // Left over from some parent, it would make Electron run as plain Node and never open a window.
  delete env.ELECTRON_RUN_AS_NODE;
} else {
  process.stdout.write(`${decision.message}\n`);
  [command, args] = [process.execPath, [join(root, 'out/server/cli.js'), 'serve', ...process.argv.slice(2)]];
}

// Its own process group (POSIX), so Ctrl+C reaches the child once, through us, and the server gets one
// SIGINT to close gracefully rather than a second that means "exit without waiting".
const child = spawn(command, args, { stdio: 'inherit', env, detached: process.platform !== 'win32' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  process.stderr.write(`nightshift: could not run ${command}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
