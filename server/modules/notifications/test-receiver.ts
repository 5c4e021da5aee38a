import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test support: a webhook receiver on loopback, and the check a Standard Webhooks receiver makes. */

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP endpoint that keeps what it receives and answers as the test says: a status, or 'hang' (no answer). */
export class Receiver {
  readonly received: Received[] = [];
  answer: (message: Received) => number | 'hang' = () => 200;
  private readonly hanging: ServerResponse[] = [];
  private readonly server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const message = { path: request.url ?? '/', headers: request.headers, body };
      this.received.push(message);
      const answer = this.answer(message);
      if (answer === 'hang') this.hanging.push(response);
      else response.writeHead(answer).end();
    });
  });

  private constructor() {}

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const response of this.hanging.splice(0)) response.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Whether some signature in the webhook-signature header is `secret`'s over id.timestamp.body. */
export function verifies(secret: string, message: Pick<Received, 'headers' | 'body'>): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${message.headers['webhook-id']}.${message.headers['webhook-timestamp']}.${message.body}`).digest('base64');
  return String(message.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

/** Polls `probe` until it returns something truthy, or fails after `ms`. */
export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
