/**
 * The ingest benchmark's peer: Debian's Alertmanager (0.25) on loopback, clustering off, with a
 * throwaway config and data dir. Its one route groups by the bench's `group` label into a receiver
 * with no integrations, so every alert goes through its API, its alert store and its dispatcher's
 * aggregation groups, and nothing is sent anywhere (group_wait is longer than a run anyway).
 */
import { alertmanagerVersion, startAlertmanager, type RunningAlertmanager } from '../testing/alertmanager';
import { spawnTracked } from './children';

export { ALERTMANAGER_BINARY } from '../testing/alertmanager';

export const ALERTMANAGER_CONFIG = [
  'route:',
  '  receiver: blackhole',
  '  group_by: [group]',
  '  group_wait: 30s',
  '  group_interval: 5m',
  '  repeat_interval: 4h',
  'receivers:',
  '  - name: blackhole',
  '',
].join('\n');

export type AlertmanagerPeer = RunningAlertmanager & { version: string | null };

export async function startAlertmanagerPeer(workRoot: string): Promise<AlertmanagerPeer> {
  const running = await startAlertmanager(ALERTMANAGER_CONFIG, { workRoot, spawn: spawnTracked });
  return { ...running, version: alertmanagerVersion() };
}
