import { readFileSync } from 'node:fs';

/** For tests: true while a process exists and is not a zombie (a container's init may be slow to reap orphans). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc here: kill(0) is all we know
  }
}

/** Waits up to `ms` for the process to be gone; returns whether it is. */
export async function processGone(pid: number, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !processAlive(pid);
}
