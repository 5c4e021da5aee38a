import type { Db } from '../../db/database';

export interface OrgRow {
  id: string;
  name: string;
  slug: string;
  settings: string;
  created_at: string;
  updated_at: string;
}

export function orgsStore(db: Db) {
  const insert = db.prepare(
    'INSERT INTO organizations (id, name, slug, settings, created_at, updated_at) VALUES (@id, @name, @slug, @settings, @created_at, @updated_at)',
  );
  const get = db.prepare<[string], OrgRow>('SELECT id, name, slug, settings, created_at, updated_at FROM organizations WHERE id = ? AND deleted_at IS NULL');
  const update = db.prepare(
    'UPDATE organizations SET name = @name, slug = @slug, updated_at = @updated_at, version = version + 1 WHERE id = @id',
  );
  const updateSettings = db.prepare('UPDATE organizations SET settings = ?, updated_at = ?, version = version + 1 WHERE id = ?');
  const all = db.prepare<[], { id: string; settings: string }>('SELECT id, settings FROM organizations WHERE deleted_at IS NULL');
  return {
    insert: (row: OrgRow) => void insert.run(row),
    get: (id: string) => get.get(id),
    update: (row: Pick<OrgRow, 'id' | 'name' | 'slug' | 'updated_at'>) => void update.run(row),
    updateSettings: (id: string, settings: string, now: string) => void updateSettings.run(settings, now, id),
    allSettings: () => all.all(),
  };
}

export type OrgsStore = ReturnType<typeof orgsStore>;
