import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `npm run db:new-migration -- add_incident_timeline` → server/db/migrations/0003_add_incident_timeline.sql
const dir = fileURLToPath(new URL('../db/migrations/', import.meta.url));
const name = (process.argv[2] ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
if (!name) {
  process.stderr.write('usage: npm run db:new-migration -- <name>\n');
  process.exit(2);
}
const last = Math.max(0, ...readdirSync(dir).map((f) => Number(/^(\d{4})_/.exec(f)?.[1] ?? 0)));
const file = `${dir}${String(last + 1).padStart(4, '0')}_${name}.sql`;
writeFileSync(file, `-- ${name.replace(/_/g, ' ')}: say why this change is needed.\n`, { flag: 'wx' });
process.stdout.write(`created ${file}\nMigrations are forward-only: once released, never edit this file; add another.\n`);
