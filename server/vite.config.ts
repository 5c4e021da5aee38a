import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig, type BuildEnvironmentOptions } from 'vite';
import pkg from '../package.json' with { type: 'json' };

const root = resolve(import.meta.dirname, '..');
// Bundled rather than loaded from node_modules: typebox's schema builders are hundreds of small modules
// (≈200 ms of startup to load); the bundle keeps only the builders we use. Native modules (better-sqlite3,
// keytar: the keychain store) load their .node file beside them, so they stay in node_modules.
const NOT_BUNDLED = new Set(['better-sqlite3', 'keytar', 'redoc', 'swagger-ui-dist']);
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies).filter((d) => NOT_BUNDLED.has(d))];

const common = {
  ssr: true,
  target: 'node20',
  sourcemap: true,
  minify: true,
} satisfies BuildEnvironmentOptions;
const isExternal = (id: string) => external.some((dep) => id === dep || id.startsWith(`${dep}/`));

/**
 * Bundles the server's own code (SQL migrations included) into out/server; native better-sqlite3 and
 * the docs' static assets stay in node_modules. Two builds, one after the other into the same directory
 * (`builder` makes `vite build` build both; --outDir and --emptyOutDir apply to both):
 *   ssr: ES modules with shared chunks: electron-host.js (the desktop's utility process), openapi.js,
 *        and cli.js, the `nightshift` bin, which is only server/cli-loader.ts;
 *   cli: server/cli.ts and all it imports as ONE CommonJS file, cli.cjs, which cli.js compiles with a
 *        V8 code cache (see cli-loader.ts). Lazy imports (mail, the console's static files) are inlined
 *        and still run only when first needed. ASCII-only, so the loader reads it as a one-byte string.
 */
export default defineConfig({
  root,
  publicDir: false,
  ssr: { noExternal: true },
  builder: {
    async buildApp(builder) {
      await builder.build(builder.environments.ssr!);
      await builder.build(builder.environments.cli!);
    },
  },
  environments: {
    ssr: {
      build: {
        ...common,
        rollupOptions: {
          input: {
            cli: resolve(root, 'server/cli-loader.ts'),
            'electron-host': resolve(root, 'server/electron-host.ts'),
            openapi: resolve(root, 'server/scripts/openapi.ts'),
          },
          external: isExternal,
          output: { format: 'es', entryFileNames: '[name].js', banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
        },
      },
    },
    cli: {
      consumer: 'server',
      resolve: { noExternal: true },
      build: {
        ...common,
        // Written after the ssr build into the same directory: emptying it again would delete that build.
        emptyOutDir: false,
        rollupOptions: {
          input: { cli: resolve(root, 'server/cli.ts') },
          external: isExternal,
          output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false, charset: 'ascii', strict: true },
        },
      },
    },
  },
  build: {
    outDir: resolve(root, 'out/server'),
    emptyOutDir: true,
  },
});
