import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { assertSecretName, assertSecretValue, SecretStoreError, type SecretStore } from './secret-store';

const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
const FORMAT = 'nightshift-secrets';
const VERSION = 1;
// Binds the ciphertext to this format, so a blob encrypted with the same key elsewhere cannot be swapped in.
const ASSOCIATED_DATA = Buffer.from(`${FORMAT}:v${VERSION}`);

export const secretFile = (dataDir: string): string => join(dataDir, 'secrets', 'secrets.enc');
export const secretKeyFile = (dataDir: string): string => join(dataDir, 'secrets', 'secrets.key');

export interface FileStoreOptions {
  dataDir: string;
  /** 32 bytes as 64 hex characters or base64 (NIGHTSHIFT_SECRET_KEY); without it a 0600 key file in the data dir. */
  secretKey?: string;
}

interface Envelope {
  format: typeof FORMAT;
  version: typeof VERSION;
  cipher: typeof CIPHER;
  iv: string;
  tag: string;
  data: string;
}

/** Parses NIGHTSHIFT_SECRET_KEY: 64 hex characters, or base64 / base64url of 32 bytes. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new SecretStoreError(
      'SECRET_KEY_INVALID',
      `NIGHTSHIFT_SECRET_KEY must be ${KEY_BYTES} bytes written as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

async function loadOrCreateKeyFile(file: string): Promise<Buffer> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = randomBytes(KEY_BYTES);
    try {
      // 'wx': when two processes race to create it, one key wins and the other reads it below.
      await writeNew(file, key.toString('base64'), 'wx');
      return key;
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      text = await readFile(file, 'utf8');
    }
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new SecretStoreError('SECRET_KEY_INVALID', `the key file ${file} does not hold a ${KEY_BYTES}-byte base64 key`);
  return key;
}

async function writeNew(file: string, content: string, flag: 'wx'): Promise<void> {
  const handle = await open(file, flag, 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The mode given to open() is filtered by the umask; 0600 is the point, so it is set outright.
  await chmod(file, 0o600);
}

/**
 * Replaces `file` all at once: the content goes to a temp file beside it, is flushed, then renamed
 * over the old one, so a reader (or a crash) sees the old file or the new one, never half of either.
 */
async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeNew(temp, content, 'wx');
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(join(file, '..'));
}

/** Makes the rename itself durable; directories cannot be opened for sync on Windows, where it is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function encrypt(key: Buffer, secrets: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(CIPHER, key, iv).setAAD(ASSOCIATED_DATA);
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  const envelope: Envelope = {
    format: FORMAT,
    version: VERSION,
    cipher: CIPHER,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return `${JSON.stringify(envelope)}\n`;
}

function decrypt(key: Buffer, text: string, file: string, keySource: string): Record<string, string> {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text) as Envelope;
  } catch {
    throw new SecretStoreError('SECRET_FILE_CORRUPT', `${file} is not a Nightshift secret file`);
  }
  if (envelope?.format !== FORMAT || envelope.version !== VERSION || envelope.cipher !== CIPHER) {
    throw new SecretStoreError('SECRET_FILE_CORRUPT', `${file} is not a version ${VERSION} Nightshift secret file`);
  }
  let plain: string;
  try {
    const decipher = createDecipheriv(CIPHER, key, Buffer.from(envelope.iv, 'base64')).setAAD(ASSOCIATED_DATA);
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    // GCM cannot tell a wrong key from a tampered file; the wrong key is by far the likelier cause.
    throw new SecretStoreError(
      'SECRET_KEY_MISMATCH',
      `cannot decrypt ${file}: the key (${keySource}) is not the one it was written with, or the file was altered`,
    );
  }
  return JSON.parse(plain) as Record<string, string>;
}

/**
 * Secrets in one AES-256-GCM encrypted file of the data dir, for machines without a keychain. Every
 * operation reads the file afresh and writes run one at a time in this process; two processes writing
 * at once do not corrupt the file, but the later write wins.
 */
export function createFileStore({ dataDir, secretKey }: FileStoreOptions): SecretStore {
  const file = secretFile(dataDir);
  const keyFile = secretKeyFile(dataDir);
  const keySource = secretKey === undefined ? `from ${keyFile}` : 'from NIGHTSHIFT_SECRET_KEY';
  // Parsed up front so a malformed NIGHTSHIFT_SECRET_KEY is reported when the store is chosen.
  const givenKey = secretKey === undefined ? undefined : parseSecretKey(secretKey);
  let key: Promise<Buffer> | undefined;
  const ready = async (): Promise<Buffer> => {
    key ??= (async () => {
      await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
      return givenKey ?? loadOrCreateKeyFile(keyFile);
    })().catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };

  const read = async (): Promise<Record<string, string>> => {
    const secretKeyBytes = await ready();
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    return decrypt(secretKeyBytes, text, file, keySource);
  };

  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
  const update = (change: (secrets: Record<string, string>) => boolean) =>
    exclusive(async () => {
      const secrets = await read();
      const changed = change(secrets);
      if (changed) await writeAtomically(file, encrypt(await ready(), secrets));
      return changed;
    });

  return {
    kind: 'file',
    async get(name) {
      assertSecretName(name);
      const secrets = await exclusive(read);
      return Object.hasOwn(secrets, name) ? secrets[name]! : null;
    },
    async set(name, value) {
      assertSecretName(name);
      assertSecretValue(value);
      await update((secrets) => {
        secrets[name] = value;
        return true;
      });
    },
    async delete(name) {
      assertSecretName(name);
      return update((secrets) => {
        if (!Object.hasOwn(secrets, name)) return false;
        delete secrets[name];
        return true;
      });
    },
    async list() {
      return Object.keys(await exclusive(read)).sort();
    },
  };
}
