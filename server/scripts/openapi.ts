import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSpec, serializeSpec } from './openapi-spec';

// Run from the server bundle (out/server/openapi.js): `--write` refreshes server/openapi.json, `--check` fails on drift.
const committed = fileURLToPath(new URL('../../server/openapi.json', import.meta.url));
const mode = process.argv[2];

const current = serializeSpec(await generateSpec());
if (mode === '--write') {
  writeFileSync(committed, current);
  process.stdout.write(`wrote ${committed}\n`);
} else if (mode === '--check') {
  let saved = '';
  try {
    saved = readFileSync(committed, 'utf8');
  } catch {
    // A missing file is drift too.
  }
  if (saved !== current) {
    process.stderr.write('server/openapi.json is out of date with the routes: run `npm run gen:openapi` and commit it\n');
    process.exit(1);
  }
  process.stdout.write('server/openapi.json matches the code\n');
} else {
  process.stderr.write('usage: openapi.js --write | --check\n');
  process.exit(2);
}
