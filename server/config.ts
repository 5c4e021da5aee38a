import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type Durability = 'normal' | 'full';
export type SecretStoreKind = 'keychain' | 'file';

export interface RateLimits {
  /** Requests per hour for an interactive user (JWT session). */
  user: number;
  /** Requests per hour for one API key / personal access token. */
  apiKey: number;
  /** Requests per hour for webhook ingest, per integration. */
  webhook: number;
  /** Requests per hour for search queries. */
  search: number;
  /** Requests per hour for a whole organization, all callers together. */
  org: number;
  /** Requests per hour for unauthenticated calls (login, register, reset), per client address. */
  anonymous: number;
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

export interface ServerConfig {
  dataDir: string;
  host: string;
  port: number;
  durability: Durability;
  allowRegistration: boolean;
  /** Public URL used in links sent by mail; defaults to the listening address. */
  publicUrl?: string;
  bodyLimitBytes: number;
  rateLimits: RateLimits;
  rateLimitsEnabled: boolean;
  smtp?: SmtpConfig;
  /** Where the built renderer lives; served at `/` when present. */
  rendererDir?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /**
   * Where runbook secrets live (DESIGN.md §8), named explicitly, never guessed: `file` (the default; an
   * encrypted file in the data dir) or `keychain` (the OS keychain; the desktop passes its own choice).
   */
  secretStore: SecretStoreKind;
  /** NIGHTSHIFT_SECRET_KEY for the file store; without it a 0600 key file in the data dir. Environment only: argv is visible to every user. */
  secretKey?: string;
}

/** 000's rate-limit table, plus an org-wide ceiling and a per-address cap for anonymous calls. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  user: 1_000,
  apiKey: 5_000,
  webhook: 10_000,
  search: 500,
  org: 20_000,
  anonymous: 300,
};

export const DEFAULT_PORT = 7300;
export const DEFAULT_HOST = '127.0.0.1';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return join(base, 'nightshift');
}

export class ConfigError extends Error {}

type Flag = { name: string; env: string; takesValue: boolean };

const FLAGS: Flag[] = [
  { name: 'data-dir', env: 'NIGHTSHIFT_DATA_DIR', takesValue: true },
  { name: 'host', env: 'NIGHTSHIFT_HOST', takesValue: true },
  { name: 'port', env: 'NIGHTSHIFT_PORT', takesValue: true },
  { name: 'durability', env: 'NIGHTSHIFT_DURABILITY', takesValue: true },
  { name: 'public-url', env: 'NIGHTSHIFT_PUBLIC_URL', takesValue: true },
  { name: 'body-limit', env: 'NIGHTSHIFT_BODY_LIMIT', takesValue: true },
  { name: 'rate-limits', env: 'NIGHTSHIFT_RATE_LIMITS', takesValue: true },
  { name: 'no-rate-limits', env: 'NIGHTSHIFT_NO_RATE_LIMITS', takesValue: false },
  { name: 'disable-registration', env: 'NIGHTSHIFT_DISABLE_REGISTRATION', takesValue: false },
  { name: 'smtp-url', env: 'NIGHTSHIFT_SMTP_URL', takesValue: true },
  { name: 'smtp-from', env: 'NIGHTSHIFT_SMTP_FROM', takesValue: true },
  { name: 'renderer-dir', env: 'NIGHTSHIFT_RENDERER_DIR', takesValue: true },
  { name: 'log-level', env: 'NIGHTSHIFT_LOG_LEVEL', takesValue: true },
  { name: 'secret-store', env: 'NIGHTSHIFT_SECRET_STORE', takesValue: true },
];

export const CONFIG_HELP = `Usage: nightshift serve [options]

Options (each also read from the environment variable shown):
  --data-dir DIR            NIGHTSHIFT_DATA_DIR         where the database lives (default ${defaultDataDir()})
  --host HOST               NIGHTSHIFT_HOST             address to bind (default ${DEFAULT_HOST})
  --port PORT               NIGHTSHIFT_PORT             port to bind, 0 picks a free one (default ${DEFAULT_PORT})
  --durability MODE         NIGHTSHIFT_DURABILITY       normal (survives a killed process) or full (survives power loss)
  --public-url URL          NIGHTSHIFT_PUBLIC_URL       base URL used in links sent by mail
  --body-limit BYTES        NIGHTSHIFT_BODY_LIMIT       largest accepted request body (default 1048576)
  --rate-limits JSON        NIGHTSHIFT_RATE_LIMITS      per-hour limits, e.g. {"user":2000,"apiKey":10000}
  --no-rate-limits          NIGHTSHIFT_NO_RATE_LIMITS=1 turn rate limiting off (benchmarks)
  --disable-registration    NIGHTSHIFT_DISABLE_REGISTRATION=1  refuse POST /auth/register
  --smtp-url URL            NIGHTSHIFT_SMTP_URL         smtp(s)://user:pass@host:port; without it mail goes to the local outbox
  --smtp-from ADDRESS       NIGHTSHIFT_SMTP_FROM        sender address (default nightshift@localhost)
  --renderer-dir DIR        NIGHTSHIFT_RENDERER_DIR     the built console to serve at / (default: out/renderer beside the server)
  --log-level LEVEL         NIGHTSHIFT_LOG_LEVEL        fatal|error|warn|info|debug|silent (default warn)
  --secret-store KIND       NIGHTSHIFT_SECRET_STORE     where runbook secrets live: file (default; encrypted in the data dir,
                                                        key from NIGHTSHIFT_SECRET_KEY or a 0600 key file) or keychain (the OS keychain)
`;

function readArgs(argv: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const flag = FLAGS.find((f) => f.name === rawName);
    if (!flag) throw new ConfigError(`unknown option --${rawName}`);
    if (!flag.takesValue) {
      values.set(flag.name, 'true');
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`--${flag.name} needs a value`);
    values.set(flag.name, value);
  }
  return values;
}

function truthy(value: string): boolean {
  return !['', '0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`invalid port "${value}"`);
  return port;
}

function parseRateLimits(value: string): Partial<RateLimits> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError('rate limits must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ConfigError('rate limits must be a JSON object');
  const out: Partial<RateLimits> = {};
  for (const [key, limit] of Object.entries(parsed)) {
    if (!(key in DEFAULT_RATE_LIMITS)) throw new ConfigError(`unknown rate limit "${key}"`);
    if (!Number.isInteger(limit) || (limit as number) < 1) throw new ConfigError(`rate limit "${key}" must be a positive integer`);
    out[key as keyof RateLimits] = limit as number;
  }
  return out;
}

function parseSmtp(url: string, from: string | undefined): SmtpConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('invalid SMTP URL');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new ConfigError('SMTP URL must start with smtp:// or smtps://');
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    from: from ?? 'nightshift@localhost',
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;

/** Command-line flags win over environment variables, which win over defaults. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const args = readArgs(argv);
  const get = (name: string): string | undefined => {
    const flag = FLAGS.find((f) => f.name === name)!;
    return args.get(name) ?? env[flag.env];
  };
  const durability = get('durability') ?? 'normal';
  if (durability !== 'normal' && durability !== 'full') throw new ConfigError('--durability must be normal or full');
  const bodyLimit = Number(get('body-limit') ?? 1_048_576);
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) throw new ConfigError('--body-limit must be an integer ≥ 1024');
  const logLevel = get('log-level') ?? 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const secretStore = get('secret-store') ?? 'file';
  if (secretStore !== 'file' && secretStore !== 'keychain') throw new ConfigError('--secret-store must be file or keychain');
  const secretKey = env.NIGHTSHIFT_SECRET_KEY;
  const smtpUrl = get('smtp-url');
  const rateLimits = get('rate-limits');
  const publicUrl = get('public-url');
  const rendererDir = get('renderer-dir');
  return {
    dataDir: resolve(get('data-dir') ?? defaultDataDir(env)),
    host: get('host') ?? DEFAULT_HOST,
    port: parsePort(get('port') ?? String(DEFAULT_PORT)),
    durability,
    allowRegistration: !truthy(get('disable-registration') ?? ''),
    bodyLimitBytes: bodyLimit,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...(rateLimits ? parseRateLimits(rateLimits) : {}) },
    rateLimitsEnabled: !truthy(get('no-rate-limits') ?? ''),
    logLevel: logLevel as ServerConfig['logLevel'],
    secretStore,
    ...(secretKey ? { secretKey } : {}),
    ...(smtpUrl ? { smtp: parseSmtp(smtpUrl, get('smtp-from')) } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(rendererDir ? { rendererDir: resolve(rendererDir) } : {}),
  };
}
