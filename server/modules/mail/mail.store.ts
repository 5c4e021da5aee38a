import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';

export interface OutboxRow {
  id: string;
  org_id: string | null;
  recipient: string;
  subject: string;
  body: string;
  status: 'pending' | 'sent' | 'failed' | 'local';
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

const COLUMNS = 'id, org_id, recipient, subject, body, status, attempts, last_error, created_at, sent_at';

export function mailStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO mail_outbox (id, org_id, recipient, subject, body, status, created_at) VALUES (@id, @org_id, @recipient, @subject, @body, @status, @created_at)`,
  );
  const pending = db.prepare<[number, number], OutboxRow>(`SELECT ${COLUMNS} FROM mail_outbox WHERE status = 'pending' AND attempts < ? ORDER BY created_at LIMIT ?`);
  const sent = db.prepare(`UPDATE mail_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, body = '[delivered]' WHERE id = ?`);
  const failed = db.prepare(`UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END WHERE id = ?`);
  const list = db.prepare<[string, number, number], OutboxRow>(`SELECT ${COLUMNS} FROM mail_outbox WHERE org_id = ? ORDER BY created_at DESC LIMIT ? OFFSET ?`);
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM mail_outbox WHERE org_id = ?');
  const backlog = db.prepare<[], { n: number; oldest: string | null }>(`SELECT count(*) AS n, min(created_at) AS oldest FROM mail_outbox WHERE status = 'pending'`);
  return {
    insert: (row: Omit<OutboxRow, 'attempts' | 'last_error' | 'sent_at'>) => void insert.run(row),
    pending: (maxAttempts: number, limit: number) => pending.all(maxAttempts, limit),
    markSent: (id: string, now: string) => void sent.run(now, id),
    markFailed: (id: string, error: string, maxAttempts: number) => void failed.run(error.slice(0, 500), maxAttempts, id),
    list: (orgId: string, limit: number, offset: number) => withTotal(list.all(orgId, limit, offset), limit, offset, () => count.get(orgId)!.n),
    backlog: () => backlog.get()!,
  };
}

export type MailStore = ReturnType<typeof mailStore>;
