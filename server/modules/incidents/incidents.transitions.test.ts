import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, register, startTestServer, type Account, type TestServer } from '../../testing/harness';
import { STATUSES } from './incidents.schemas';

// The state machine of DESIGN.md §3, written out in full so a change to it has to change this table.
const ALLOWED: Record<string, string[]> = {
  active: ['investigating', 'identified', 'monitoring', 'mitigated', 'resolved'],
  investigating: ['identified', 'monitoring', 'mitigated', 'resolved'],
  identified: ['investigating', 'monitoring', 'mitigated', 'resolved'],
  monitoring: ['investigating', 'identified', 'mitigated', 'resolved'],
  mitigated: ['investigating', 'identified', 'monitoring', 'resolved'],
  resolved: ['investigating'],
};

describe('status transitions through PATCH /incidents/{id}', () => {
  let server: TestServer;
  let owner: Account;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await register(server.api, 'Owner');
  });
  afterAll(async () => {
    await server.stop();
  });

  for (const from of STATUSES) {
    it(`from ${from}`, async () => {
      for (const to of STATUSES) {
        const created = await call(server.api, 'POST', '/incidents', { token: owner.accessToken, body: { title: `${from} → ${to}`, status: from } });
        expect(created.status).toBe(201);
        const response = await call(server.api, 'PATCH', `/incidents/${created.body.id}`, { token: owner.accessToken, body: { status: to } });
        if (from === to || ALLOWED[from]!.includes(to)) {
          expect(response.status, `${from} → ${to}: ${response.text}`).toBe(200);
          expect(response.body.status).toBe(to);
          expect(response.body.resolved_at === null).toBe(to !== 'resolved');
        } else {
          expectError(response, 422, 'INVALID_STATUS_TRANSITION');
          const after = await call(server.api, 'GET', `/incidents/${created.body.id}`, { token: owner.accessToken });
          expect(after.body.status).toBe(from);
        }
      }
    });
  }
});
