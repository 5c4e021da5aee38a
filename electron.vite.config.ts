import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

// electron-vite forces base './' for file:// loading, but our renderer is always served over HTTP by the
// server, whose SPA fallback answers deep links (/settings/api-keys) with index.html: relative asset
// URLs would then resolve under /settings/. Runs after electron-vite's 'pre' preset.
const absoluteBase: Plugin = {
  name: 'nightshift:absolute-base',
  config(config) {
    config.base = '/';
  },
};

// The repo has no src/ folder, so every entry is explicit.
export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: {
        input: {
          index: resolve(root, 'main/index.ts'),
          // `npm start` runs this in plain Node to decide between the desktop app and the headless server.
          launcher: resolve(root, 'main/launcher.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        // A sandboxed preload cannot load ES modules or sibling chunks: one CommonJS file, .cjs because
        // package.json says "type": "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react(), absoluteBase],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // The same build is served to browsers by the headless server, not only read from disk.
      minify: true,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
