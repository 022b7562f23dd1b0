import type { JarvisConfig } from '@jarvis/config';
import { createTransport } from 'nodemailer';
import { type ChannelSender, DeliveryError } from './channelSender.ts';

type SmtpConfig = NonNullable<JarvisConfig['services']['notifications']['smtp']>;

/** E-mail over the configured SMTP server (nodemailer); the SMTP reply code is kept in the delivery log. */
export function emailSender(smtp: SmtpConfig): ChannelSender & { close(): void } {
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    pool: true,
    maxConnections: 2,
  });
  const send: ChannelSender = async (channel, message) => {
    try {
      const info = await withTimeout(
        transport.sendMail({
          from: smtp.from,
          to: channel.to,
          subject: message.subject,
          text: `${message.body}\n\n— Jarvis (${message.event.toLowerCase().replace(/_/g, ' ')}, ${message.at.toISOString()})`,
          headers: { 'X-Jarvis-Event': message.event, 'X-Jarvis-Delivery': message.id },
        }),
        channel.timeoutMs,
      );
      return { responseCode: Number(/^(\d{3})/.exec(String(info.response))?.[1] ?? 250) };
    } catch (error) {
      const e = error as Error & { responseCode?: number; code?: string };
      throw new DeliveryError(`SMTP ${smtp.host}:${smtp.port}: ${e.message}`, e.responseCode ?? null);
    }
  };
  return Object.assign(send, { close: () => transport.close() });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
