import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's package (`apt-get install prometheus-alertmanager`, 0.25); .ci/system-deps.sh installs it for tests. */
export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';

/** An alert as Alertmanager's `POST /api/v2/alerts` takes it; an `endsAt` in the past resolves it. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  url: string;
  pid: number;
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** Kills the process and removes its data dir. */
  stop(): Promise<void>;
}

export interface AlertmanagerOptions {
  /** Where the one receiver's webhook_configs posts: a Nightshift integration's webhook_url. */
  webhookUrl: string;
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  resolveTimeout?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const yamlString = (value: string) => JSON.stringify(value);

/** A config whose one receiver posts every notification to `webhookUrl`. */
export function webhookConfig(options: AlertmanagerOptions): string {
  return [
    'global:',
    `  resolve_timeout: ${options.resolveTimeout ?? '1m'}`,
    'route:',
    '  receiver: nightshift',
    `  group_by: [${(options.groupBy ?? ['alertname']).map(yamlString).join(', ')}]`,
    `  group_wait: ${options.groupWait ?? '1s'}`,
    `  group_interval: ${options.groupInterval ?? '1s'}`,
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: nightshift',
    '    webhook_configs:',
    `      - url: ${yamlString(options.webhookUrl)}`,
    '        send_resolved: true',
    '',
  ].join('\n');
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** `prometheus-alertmanager --version`'s version, or null. */
export function alertmanagerVersion(): string | null {
  try {
    const out = execFileSync(ALERTMANAGER_BINARY, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /version (\S+)/.exec(out)?.[1] ?? out.split('\n')[0]!.trim();
  } catch (error) {
    // Older builds print the version on stderr.
    return /version (\S+)/.exec(String((error as { stderr?: unknown }).stderr ?? ''))?.[1] ?? null;
  }
}

export interface StartOptions {
  /** Where its config and data dir go (default: the system temp dir). */
  workRoot?: string;
  /** How to spawn it, e.g. a benchmark's tracked spawn, so a crash still kills it. */
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
}

/**
 * Starts a real Alertmanager on loopback with clustering off and the given config (a YAML text, or a
 * webhook receiver's options) and waits until it is ready.
 */
export async function startAlertmanager(config: string | AlertmanagerOptions, options: StartOptions = {}): Promise<RunningAlertmanager> {
  if (!existsSync(ALERTMANAGER_BINARY)) {
    throw new Error(`${ALERTMANAGER_BINARY} is missing: apt-get install prometheus-alertmanager (bash .ci/system-deps.sh test does it)`);
  }
  const dir = mkdtempSync(join(options.workRoot ?? tmpdir(), 'nightshift-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, typeof config === 'string' ? config : webhookConfig(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = (options.spawn ?? spawn)(ALERTMANAGER_BINARY, [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`alertmanager exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`alertmanager was not ready within 20 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid!,
    async postAlerts(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!response.ok) throw new Error(`alertmanager refused the alerts: ${response.status} ${await response.text()}`);
    },
    stop,
  };
}
