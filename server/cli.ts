import { fileURLToPath } from 'node:url';
import { CONFIG_HELP, ConfigError, loadConfig } from './config';
import { startServer, VERSION } from './start';

const USAGE = `Nightshift ${VERSION}: offline-first operations console

Usage:
  nightshift serve [options]   run the server headless (see nightshift serve --help)
  nightshift --version
`;

/** What the bin (server/cli-loader.ts) learns from a run. */
export interface CliHooks {
  /** The server is listening and its line is printed. */
  serving?: () => void;
}

async function serve(argv: string[], hooks: CliHooks): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(CONFIG_HELP);
    return;
  }
  const config = loadConfig(argv, process.env);
  // The built console sits beside the built server: out/server/cli.js serves out/renderer.
  config.rendererDir ??= fileURLToPath(new URL('../renderer/', import.meta.url));
  const running: { server?: Awaited<ReturnType<typeof startServer>> } = {};
  let stopping = false;
  // Handlers go in before the ready line: a supervisor may signal the moment it reads it.
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`nightshift: ${signal} again, exiting without waiting\n`);
      process.exit(130);
    }
    stopping = true;
    if (!running.server) return; // still starting: closed as soon as it is up
    running.server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`nightshift: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const server = (running.server = await startServer(config));
  if (stopping) {
    await server.close();
    process.exit(0);
  }
  process.stdout.write(`Nightshift listening on ${server.url}\n`);
  hooks.serving?.();
}

async function main(argv: string[], hooks: CliHooks): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (command === 'serve') return serve(rest, hooks);
  process.stdout.write(USAGE);
  if (command !== undefined && command !== '--help' && command !== '-h') {
    process.stderr.write(`nightshift: unknown command "${command}"\n`);
    process.exitCode = 2;
  }
}

/**
 * `nightshift ARGS`. Called by the bin, out/server/cli.js (server/cli-loader.ts), which loads this file's
 * bundle (out/server/cli.cjs) through a V8 code cache.
 */
export function runCli(argv: string[], hooks: CliHooks = {}): void {
  main(argv, hooks).catch((error: unknown) => {
    const message = error instanceof ConfigError ? `${error.message} (see nightshift serve --help)` : (error as Error).message;
    process.stderr.write(`nightshift: ${message}\n`);
    process.exit(1);
  });
}
