/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package,
 * and, with --inclusive, total (self + callees) time of the frames whose names match a filter.
 *   node --import tsx server/bench/cpuprofile.ts FILE.cpuprofile [--top 25] [--inclusive REGEX]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  ms: number;
  pct: number;
}

const shortUrl = (url: string) => {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  return url.replace(/^file:\/\/.*?\/(out|server|node_modules)\//, '$1/');
};

export function packageOf(url: string): string {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return url.startsWith('node:internal/modules') || url.startsWith('node:internal/module') ? 'node: module loader' : 'node: core';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes('/out/server/')) return 'nightshift (out/server)';
  return url;
}

export function summariseProfile(profile: CpuProfile, top = 25, inclusive?: RegExp) {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const toRows = (m: Map<string, number>): Row[] =>
    [...m.entries()]
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, pct: Math.round((us / totalUs) * 1000) / 10 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);

  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }

  let inclusiveRows: Row[] | undefined;
  if (inclusive) {
    // Total time under each matching frame, counting a sample once even under recursion.
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const totals = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const frame = byId.get(cur)!.callFrame;
        const key = `${frame.functionName || '(anonymous)'} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();
        if (!inclusive.test(key) || seen.has(key)) continue;
        seen.add(key);
        totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
      }
    });
    inclusiveRows = toRows(totals);
  }

  return {
    profile_ms: Math.round(totalUs / 100) / 10,
    self_by_package: toRows(byPackage),
    self_by_function: toRows(byFunction),
    ...(inclusiveRows ? { inclusive: inclusiveRows } : {}),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: cpuprofile.ts FILE.cpuprofile [--top N] [--inclusive REGEX]\n');
    process.exit(2);
  }
  const topIdx = rest.indexOf('--top');
  const incIdx = rest.indexOf('--inclusive');
  const top = topIdx >= 0 ? Number(rest[topIdx + 1]) : 25;
  const inclusive = incIdx >= 0 ? new RegExp(rest[incIdx + 1]!) : undefined;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${JSON.stringify(summariseProfile(profile, top, inclusive), null, 2)}\n`);
}
