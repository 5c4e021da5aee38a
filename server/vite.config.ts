import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from '../package.json' with { type: 'json' };

const root = resolve(import.meta.dirname, '..');
// Bundled rather than loaded from node_modules: typebox's schema builders are hundreds of small modules
// (≈200 ms of startup to load); the bundle keeps only the builders we use.
const NOT_BUNDLED = new Set(['better-sqlite3', 'redoc', 'swagger-ui-dist']);
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies).filter((d) => NOT_BUNDLED.has(d))];

/**
 * Bundles the server's own code (SQL migrations included) into out/server; dependencies stay in
 * node_modules, where native better-sqlite3 and the docs' static assets live.
 */
export default defineConfig({
  root,
  publicDir: false,
  ssr: { noExternal: true },
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(root, 'out/server'),
    emptyOutDir: true,
    sourcemap: true,
    minify: true,
    rollupOptions: {
      input: {
        cli: resolve(root, 'server/cli.ts'),
        'electron-host': resolve(root, 'server/electron-host.ts'),
        openapi: resolve(root, 'server/scripts/openapi.ts'),
      },
      external: (id) => external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
      output: { format: 'es', entryFileNames: '[name].js', banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
    },
  },
});
