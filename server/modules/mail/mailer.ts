import type { Transporter } from 'nodemailer';
import type { SmtpConfig } from '../../config';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { MailStore } from './mail.store';

export interface MailMessage {
  orgId: string | null;
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Queues a message in the caller's transaction; it is delivered (or kept locally) after commit. */
  enqueue(message: MailMessage): void;
  /** Sends what is pending, when SMTP is configured. */
  flush(): Promise<void>;
  readonly mode: 'smtp' | 'local';
  close(): void;
}

const MAX_ATTEMPTS = 5;

/**
 * Mail goes to the outbox table first. With SMTP configured a background loop delivers it and keeps
 * trying on failure; without, it stays in the outbox as `local`, where an admin can read it, so a
 * password reset works on a laptop with no network.
 */
export function createMailer(store: MailStore, clock: Clock, smtp?: SmtpConfig): Mailer {
  // nodemailer loads on the first delivery: a server without SMTP never pays for it at startup.
  let transport: Transporter | null = null;
  const connect = async (config: SmtpConfig): Promise<Transporter> => {
    const { default: nodemailer } = await import('nodemailer');
    return nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    });
  };
  let flushing: Promise<void> | null = null;

  async function deliver(): Promise<void> {
    if (!smtp) return;
    transport ??= await connect(smtp);
    for (;;) {
      const batch = store.pending(MAX_ATTEMPTS, 20);
      if (batch.length === 0) return;
      for (const row of batch) {
        try {
          await transport.sendMail({ from: smtp.from, to: row.recipient, subject: row.subject, text: row.body });
          store.markSent(row.id, clock.now().toISOString());
        } catch (error) {
          store.markFailed(row.id, (error as Error).message, MAX_ATTEMPTS);
          return; // the server is likely down; the timer tries again later
        }
      }
    }
  }

  const flush = (): Promise<void> => {
    flushing ??= deliver().finally(() => {
      flushing = null;
    });
    return flushing;
  };

  const timer = smtp ? setInterval(() => void flush(), 30_000) : null;
  timer?.unref();

  return {
    mode: smtp ? 'smtp' : 'local',
    enqueue(message) {
      store.insert({
        id: newId(),
        org_id: message.orgId,
        recipient: message.to,
        subject: message.subject,
        body: message.text,
        status: smtp ? 'pending' : 'local',
        created_at: clock.now().toISOString(),
      });
      if (smtp) setImmediate(() => void flush());
    },
    flush,
    close() {
      if (timer) clearInterval(timer);
      transport?.close();
    },
  };
}
