import { createSecretStore, detectSecretStore } from '../index';

/**
 * Exercises the keychain store against whatever Secret Service this process can reach and prints the
 * results as one JSON line. keytar-store.test.ts runs it inside a private D-Bus session with a fresh
 * gnome-keyring, because the keyring has to live for the whole of the process that talks to it.
 */
const service = process.argv[2] ?? 'nightshift-probe';

async function exercise(): Promise<Record<string, unknown>> {
  const store = createSecretStore({ kind: 'keychain', service });
  const before = await store.get('sync.remote');
  await store.set('sync.remote', 'nsk_first');
  await store.set('sync.remote', 'nsk_second');
  await store.set('smtp/password', 'pässwörd ✓');
  const listed = await store.list();
  const afterSet = await store.get('sync.remote');
  const unicode = await store.get('smtp/password');
  const reopened = await createSecretStore({ kind: 'keychain', service }).get('sync.remote');
  const deleted = await store.delete('sync.remote');
  const deletedAgain = await store.delete('sync.remote');
  const afterDelete = await store.get('sync.remote');
  await store.delete('smtp/password');
  const invalidName = await store.set('not valid', 'x').then(() => null, (error: { code?: string }) => error.code ?? 'no code');
  return { kind: store.kind, before, afterSet, unicode, reopened, listed, deleted, deletedAgain, afterDelete, invalidName, listedAtEnd: await store.list() };
}

const detection = await detectSecretStore({ service, timeoutMs: 5_000 });
const result = detection.available ? { detection, ...(await exercise()) } : { detection };
process.stdout.write(`${JSON.stringify(result)}\n`);
