import { migrationsFromFiles } from './migrate';

// Bundled into the build: the running server never reads SQL files from disk.
const files = import.meta.glob<string>('./migrations/*.sql', { query: '?raw', import: 'default', eager: true });

export const MIGRATIONS = migrationsFromFiles(files);
