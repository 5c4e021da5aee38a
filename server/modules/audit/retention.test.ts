import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, transactor } from '../../db/database';
import { migrate } from '../../db/migrate';
import { MIGRATIONS } from '../../db/migrations';
import type { RequestContext } from '../../http/principal';
import { createOrgService, orgsStore } from '../orgs';
import { auditStore } from './audit.store';
import { createAuditLog } from './audit.service';

const context: RequestContext = { principal: null, ip: '127.0.0.1', userAgent: 'test', requestId: 'r1' };

describe('audit retention', () => {
  it('deletes only the rows of organizations that set a retention, and only the old ones', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'nightshift-retention-')), 'nightshift.db'));
    migrate(db, MIGRATIONS);
    let now = new Date('2026-01-01T00:00:00Z');
    const clock = { now: () => now };
    const audit = createAuditLog(auditStore(db), clock);
    const orgs = createOrgService({ store: orgsStore(db), audit, transact: transactor(db), clock, allowCommandStepsByDefault: false });
    const keeper = orgs.create('keeps everything');
    const limited = orgs.create('keeps 30 days');
    const admin = { kind: 'session', userId: 'u', orgId: limited.id, email: 'a@example.com', role: 'owner' } as const;
    orgs.updateSettings(context, admin, { audit_retention_days: 30 });

    for (const orgId of [keeper.id, limited.id]) {
      for (let i = 0; i < 12_000; i++) audit.record(context, { orgId, action: 'OLD', resourceType: 'thing' });
    }
    now = new Date('2026-03-01T00:00:00Z');
    for (const orgId of [keeper.id, limited.id]) audit.record(context, { orgId, action: 'RECENT', resourceType: 'thing' });

    expect(orgs.auditRetention()).toEqual([{ orgId: limited.id, days: 30 }]);
    for (const { orgId, days } of orgs.auditRetention()) await audit.purgeOlderThan(orgId, days);

    expect(audit.list({ orgId: limited.id }, 100, 0).data.map((e) => e.action)).toEqual(['RECENT']);
    expect(audit.countForOrg(keeper.id)).toBe(12_001);
    db.close();
  });
});
