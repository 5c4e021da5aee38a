import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { CliHooks } from './cli';

/**
 * The `nightshift` bin (out/server/cli.js). It runs the CLI bundle, out/server/cli.cjs (server/cli.ts and
 * everything it imports, as one CommonJS file), through a V8 code cache: compiling ~1.8 MB of JavaScript,
 * then compiling each function on its first call, is about a third of `nightshift serve`'s start, and
 * Node 20 caches neither for ES modules nor for `require`.
 *
 * The cache is the bytecode V8 compiled during one start (`Script#createCachedData` once the server is
 * up), written once per bundle, Node and flags: beside the bundle (out/server/code-cache/, emptied by every
 * build) or, where that is read-only, under $XDG_CACHE_HOME/nightshift. Its file name carries a SHA-256
 * of the bundle, so a rebuilt bundle never meets an old cache; V8 itself rejects a cache from another V8
 * version or flag set, and then the script compiles as usual and the cache is rewritten.
 * NIGHTSHIFT_CODE_CACHE=0 turns it off, and so does --enable-source-maps (Node 20 maps the stack traces
 * of `require`d files only): the bundle is then loaded with a plain `require`.
 */

type Cli = { runCli(argv: string[], hooks: CliHooks): void };
type Wrapper = (exports: object, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

const here = dirname(fileURLToPath(import.meta.url));
const bundlePath = join(here, 'cli.cjs');
const argv = process.argv.slice(2);

function cacheName(bytes: Buffer): string {
  const key = createHash('sha256').update(bytes);
  for (const part of [process.version, process.arch, ...process.execArgv, process.env.NODE_OPTIONS ?? '']) key.update(`\0${part}`);
  return `cli-${key.digest('hex').slice(0, 32)}.v8cache`;
}

function runCached(): void {
  const cacheDirs = [join(here, 'code-cache'), join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nightshift', 'code-cache')];
  const bytes = readFileSync(bundlePath);
  // Built ASCII-only (output.charset): read as a one-byte string, without UTF-8 decoding.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const name = cacheName(bytes);

  let cachedData: Buffer | undefined;
  for (const dir of cacheDirs) {
    try {
      cachedData = readFileSync(join(dir, name));
      break;
    } catch {
      // not there (or unreadable): try the next place, else compile without
    }
  }
  // CommonJS's function wrapper, its head on a line of its own so that positions match the bundle's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: bundlePath,
    lineOffset: -1,
    ...(cachedData ? { cachedData } : {}),
  });

  let saved = cachedData !== undefined && !script.cachedDataRejected;
  /** Atomically (rename), to the first place that takes it; a failure only costs the next start time. */
  const save = () => {
    if (saved) return;
    saved = true;
    const data = script.createCachedData();
    for (const dir of cacheDirs) {
      const file = join(dir, name);
      const temp = `${file}.${process.pid}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(temp, data);
        renameSync(temp, file);
        return;
      } catch {
        try {
          unlinkSync(temp);
        } catch {
          // never written
        }
      }
    }
  };
  const hooks: CliHooks = {
    // Saved once the server is up, so the cache holds what a start compiles: a second after the
    // listening line (off the first requests' path), or at exit if that comes first. Never for
    // --version and the like, whose cache would hold little.
    serving() {
      if (saved) return;
      setTimeout(save, 1_000).unref();
      process.once('exit', save);
    },
  };

  const bundle = new Module(bundlePath);
  bundle.filename = bundlePath;
  (script.runInThisContext() as Wrapper).call(bundle.exports, bundle.exports, createRequire(bundlePath), bundle, bundlePath, here);
  bundle.loaded = true;
  (bundle.exports as Cli).runCli(argv, hooks);
}

if (process.env.NIGHTSHIFT_CODE_CACHE === '0' || process.sourceMapsEnabled) {
  (createRequire(import.meta.url)(bundlePath) as Cli).runCli(argv, {});
} else {
  runCached();
}
