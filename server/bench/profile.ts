/**
 * Where does Nightshift's time go? Runs the server under `node --cpu-prof`, drives one scenario
 * with autocannon (or just starts it), stops it with SIGTERM so the profile is written, and prints
 * a self-time summary by package and by function (see cpuprofile.ts).
 *   node --import tsx server/bench/profile.ts read-key|read-jwt|patch|startup [seconds] [--keep DIR]
 * Not part of `npm run bench`: the profiler slows the server down, so its figures are not comparable.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { killAllChildren } from './children';
import { summariseProfile } from './cpuprofile';
import { runLoad } from './http';
import { listUsers, patchUser, setUpAccount, type Scenario } from './scenarios';
import { startNightshift } from './serve';
import { freshTempRoot, pollHealth } from './startup';

const SCENARIOS = ['read-key', 'read-jwt', 'patch', 'startup'] as const;
type Name = (typeof SCENARIOS)[number];

async function main(): Promise<void> {
  const [name = 'read-key', secondsArg, ...rest] = process.argv.slice(2);
  if (!SCENARIOS.includes(name as Name)) throw new Error(`scenario must be one of ${SCENARIOS.join(', ')}`);
  const seconds = Number(secondsArg ?? 10);
  const keepIdx = rest.indexOf('--keep');
  const root = freshTempRoot();
  const profDir = keepIdx >= 0 ? rest[keepIdx + 1]! : join(root, 'prof');
  try {
    const options = { noRateLimits: true, logLevel: 'silent', nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] };
    if (name === 'startup') {
      // The bin's code cache is per set of node flags (server/cli-loader.ts): one start under these
      // flags writes it, as a user's first start would, and its profile is dropped.
      const profiles = () => (existsSync(profDir) ? readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')) : []);
      const before = new Set(profiles());
      const warm = await startNightshift({ ...options, dataDir: mkdtempSync(join(root, 'data-')) });
      await pollHealth(warm.url);
      await warm.stop();
      for (const f of profiles()) if (!before.has(f)) rmSync(join(profDir, f));
    }
    const ns = await startNightshift({ ...options, dataDir: mkdtempSync(join(root, 'data-')) });
    // Not only the listening line: cli.ts prints it before it installs its SIGTERM handler, and a
    // SIGTERM in that gap kills the process without writing the profile.
    await pollHealth(ns.url);
    if (name !== 'startup') {
      const account = await setUpAccount(ns.url);
      const scenario: Scenario =
        name === 'read-key' ? listUsers(ns.url, account.apiKey) : name === 'read-jwt' ? listUsers(ns.url, account.accessToken) : patchUser(ns.url, account, 'profile');
      const result = await runLoad({ label: name, ...scenario, connections: 10, durationS: seconds, serverPid: ns.pid });
      process.stderr.write(`[profile] ${name}: ${result.req_per_s} req/s under the profiler, non-2xx ${result.non_2xx}\n`);
    }
    await ns.stop();
    const file = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1);
    if (!file) throw new Error(`no .cpuprofile in ${profDir}`);
    const summary = summariseProfile(JSON.parse(readFileSync(join(profDir, file), 'utf8')), 25);
    process.stdout.write(`${JSON.stringify({ scenario: name, profile: join(profDir, file), ...summary }, null, 2)}\n`);
  } finally {
    killAllChildren();
    rmSync(root, { recursive: true, force: true }); // with --keep the profile lives outside root
  }
}

main().catch((error: unknown) => {
  killAllChildren();
  process.stderr.write(`[profile] failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
