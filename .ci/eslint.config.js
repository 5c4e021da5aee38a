import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// This file lives in .ci/, and with --config ESLint resolves patterns against the cwd; pinning every
// block to the repo root keeps `files`/`ignores` right wherever eslint is started from.
const repoRoot = resolve(import.meta.dirname, '..');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const electron = [
  { name: 'electron', message: 'Only main/ and preload/ may use Electron.' },
];
const electronSubpaths = { regex: '^electron/', message: 'Only main/ and preload/ may use Electron.' };
// Relative imports that climb out of the folder into another top-level folder. Renderer code sits at
// least two levels deep (renderer/src/...), hence {2,} there.
const outOf = (depth, folders, message) => ({ regex: `^(\\.\\./)${depth}(${folders.join('|')})(/|$)`, message });
const moduleBoundary = 'A module is imported only through its index.ts (server/modules/<name>).';
const intoAnotherModule = { regex: '^\\.\\.?/(\\.\\./)*modules/[^/]+/.', message: moduleBoundary };

const restrictImports = (...patternsAndPaths) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: patternsAndPaths.filter((r) => 'name' in r),
      patterns: patternsAndPaths.filter((r) => !('name' in r)),
    },
  ],
});

const serverRestrictions = [
  ...electron,
  electronSubpaths,
  outOf('+', ['main', 'renderer', 'preload'], 'server/ is plain Node: it never imports main/, renderer/ or preload/.'),
  intoAnotherModule,
];

export default defineConfig(
  {
    name: 'nightshift/ignores',
    ignores: [
      'out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'playwright-report/**', '.nightshift-dev/**',
      // Spec 001's examples, kept verbatim: they rely on globals the test that runs them supplies.
      'server/testing/examples/*.mjs',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'nightshift/node-globals',
    languageOptions: { globals: globals.node },
    rules: {
      // `_` marks a binding kept on purpose, e.g. a field dropped from an object with a rest pattern.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    name: 'nightshift/renderer',
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: restrictImports(
      ...electron,
      electronSubpaths,
      ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a browser: no Node built-ins.' })),
      outOf('{2,}', ['server', 'main'], 'The renderer reaches the server over HTTP and the shell through window.nightshift.'),
      // The contract's types are shared; its values (channel names) belong to main and preload.
      { regex: '^(\\.\\./){2,}preload/desktop-api$', allowTypeImports: true, message: 'Import only the types of preload/desktop-api.' },
      outOf('{2,}', ['preload'], 'The renderer may import only the types of preload/desktop-api.'),
    ),
  },
  {
    name: 'nightshift/server',
    files: ['server/**'],
    rules: restrictImports(...serverRestrictions),
  },
  {
    name: 'nightshift/server-modules',
    files: ['server/modules/*/*.ts'],
    rules: restrictImports(...serverRestrictions, { regex: '^\\.\\./(?!\\.)[^/]+/.', message: moduleBoundary }),
  },
  {
    name: 'nightshift/preload',
    files: ['preload/**'],
    // Tests run in Node under vitest, not in the sandbox.
    ignores: ['preload/**/*.test.ts'],
    rules: restrictImports({
      regex: '^(?!electron$|\\./)',
      message: 'A sandboxed preload may import only electron and its own files.',
    }),
  },
  {
    name: 'nightshift/main',
    files: ['main/**'],
    rules: restrictImports(
      outOf('+', ['renderer'], 'main/ never imports the renderer; it loads it from the server URL.'),
      // The secret store is the one piece of server/ main runs itself (the keychain belongs to the desktop).
      {
        regex: '^(\\.\\./)+server(?!/secrets(/index)?$)(/|$)',
        message: 'main/ talks to the server by forking out/server/electron-host.js; of server/ it may import only server/secrets/index.ts.',
      },
    ),
  },
  {
    name: 'nightshift/tests',
    files: ['**/*.test.ts', '**/*.test.tsx', 'server/testing/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
).map((config) => ({ ...config, basePath: repoRoot }));
