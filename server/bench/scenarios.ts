/**
 * The HTTP scenarios, shared by run.ts and profile.ts: set up an account and an API key on a
 * running Nightshift, then describe each load (URL, headers, body) for autocannon.
 */
import type autocannon from 'autocannon';
import { requestJson } from './http';

export interface Account {
  userId: string;
  orgId: string;
  accessToken: string;
  apiKey: string;
}

interface RegisterResponse {
  access_token: string;
  user: { id: string };
  organization: { id: string };
}

export async function setUpAccount(baseUrl: string): Promise<Account> {
  const registered = await requestJson<RegisterResponse>('POST', `${baseUrl}/api/v1/auth/register`, {
    body: { email: 'bench@example.com', password: 'correct-Horse-battery-Staple-2026', name: 'Bench User' },
  });
  const { access_token: accessToken, user, organization } = registered.body;
  const key = await requestJson<{ id: string; token: string }>('POST', `${baseUrl}/api/v1/api-keys`, {
    token: accessToken,
    body: { name: 'bench' },
  });
  if (!key.body.token.startsWith('nsk_')) throw new Error(`unexpected API key shape: ${key.body.token.slice(0, 8)}…`);
  return { userId: user.id, orgId: organization.id, accessToken, apiKey: key.body.token };
}

export interface Scenario {
  url: string;
  method: string;
  headers: Record<string, string>;
  requests?: autocannon.Request[];
}

export function listUsers(baseUrl: string, token: string): Scenario {
  return { url: `${baseUrl}/api/v1/users`, method: 'GET', headers: { authorization: `Bearer ${token}` } };
}

/**
 * PATCH /users/{id} whose name changes on every request, so every request writes a real diff
 * (the user row and one audit row, in one transaction).
 */
export function patchUser(baseUrl: string, account: Account, tag: string): Scenario {
  let n = 0;
  const headers = { authorization: `Bearer ${account.apiKey}`, 'content-type': 'application/json' };
  return {
    url: `${baseUrl}/api/v1/users/${account.userId}`,
    method: 'PATCH',
    headers,
    requests: [
      {
        method: 'PATCH',
        headers,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ name: `Bench ${tag} ${++n}` }) }),
      },
    ],
  };
}

export async function auditTotal(baseUrl: string, token: string): Promise<number> {
  const { body } = await requestJson<{ meta: { total: number } }>('GET', `${baseUrl}/api/v1/audit?limit=1`, { token });
  return body.meta.total;
}
