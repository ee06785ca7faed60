import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';

/** One message as the sink received it (one per recipient, as the service sends them). */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  receivedAt: number;
}

export interface SmtpSink {
  port: number;
  messages: ReceivedMail[];
  /** Messages to `to` (case-insensitive), optionally with `subject`. */
  to: (address: string, subject?: string) => ReceivedMail[];
  /** Waits (polling, with a deadline) until `count` messages to `address` with `subject` have arrived. */
  waitFor: (address: string, subject?: string, count?: number, timeoutMs?: number) => Promise<ReceivedMail[]>;
  /** Answers every DATA with this SMTP reply code (e.g. 451, 550) until set back to null. */
  rejectWith: (code: number | null) => void;
  /** Stops listening (the service sees a connection failure); `start()` listens on the same port again. */
  stop: () => Promise<void>;
  start: () => Promise<void>;
  clear: () => void;
  close: () => Promise<void>;
}

/** A real SMTP server in the test process (smtp-server), parsing what it receives with mailparser. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let reject: number | null = null;
  let port = 0;
  let server: SMTPServer | null = null;

  const listen = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (reject !== null) {
            const error = Object.assign(new Error(`rejected by the test sink`), { responseCode: reject });
            callback(error);
            return;
          }
          simpleParser(Buffer.concat(chunks))
            .then((parsed) => {
              messages.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                subject: parsed.subject ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                text: parsed.text ?? '',
                receivedAt: Date.now(),
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve, rejectListen) => {
      server!.once('error', rejectListen);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server!.server.address() as AddressInfo).port;
  };
  const stop = async () => {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();

  const to = (address: string, subject?: string) =>
    messages.filter((m) => m.to.includes(address.toLowerCase()) && (subject === undefined || m.subject === subject));

  return {
    port,
    messages,
    to,
    waitFor: async (address, subject, count = 1, timeoutMs = 10000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = to(address, subject);
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} message(s) to ${address}${subject ? ` "${subject}"` : ''}, got ${found.length}: ${JSON.stringify(messages.map((m) => [m.to, m.subject]))}`);
        }
        await sleep(25);
      }
    },
    rejectWith: (code) => {
      reject = code;
    },
    stop,
    start: listen,
    clear: () => {
      messages.length = 0;
    },
    close: stop,
  };
}
