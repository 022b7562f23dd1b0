import type { Logger } from '@jarvis/context';
import { backoffDelay } from '@jarvis/jobs';
import type { ChannelSender } from '../channels/channelSender.ts';
import { DeliveryError } from '../channels/channelSender.ts';
import type { ChannelKind, NotificationRecord, NotificationStatus } from '../records.ts';
import type { NotificationStore } from '../store/notificationStore.ts';

const MAX_BACKOFF_MS = 5 * 60_000;

export interface DeliverySettings {
  maxAttempts: number;
  initialBackoffMs: number;
  /** How long a claimed notification is held before another deliverer may take it (longer than any delivery). */
  leaseMs: number;
}

/**
 * Sends what the outbox holds: due notifications are claimed (with a lease, so a crash hands them
 * to the next deliverer), sent, and their attempt logged. A failure is retried with the job
 * runner's backoff (exponential, with jitter); after `maxAttempts` the notification is FAILED with
 * its last error. New notifications `kick` a round; the job runner runs one every poll interval
 * for retries that have come due.
 */
export class DeliveryLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  private readonly store: NotificationStore;
  private readonly senders: Partial<Record<ChannelKind, ChannelSender>>;
  private readonly settings: DeliverySettings;
  private readonly logger: Logger;
  private readonly onChange: (notification: NotificationRecord, status: NotificationStatus) => Promise<void>;

  constructor(options: {
    store: NotificationStore;
    senders: Partial<Record<ChannelKind, ChannelSender>>;
    settings: DeliverySettings;
    logger: Logger;
    /** Called once an attempt's outcome is recorded (for `notificationsChanged`). */
    onChange: (notification: NotificationRecord, status: NotificationStatus) => Promise<void>;
  }) {
    this.onChange = options.onChange;
    this.store = options.store;
    this.senders = options.senders;
    this.settings = options.settings;
    this.logger = options.logger;
  }

  /** A round of delivery, awaited (the job runner's `notifications.deliver`). */
  async round(): Promise<void> {
    this.kick();
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Delivers what is due now (new notifications call this instead of waiting for the timer). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          for (let batch = await this.claim(); batch.length && !this.stopped; batch = await this.claim())
            await Promise.all(batch.map((n) => this.deliver(n)));
        } while (this.again && !this.stopped);
      } catch (error) {
        this.logger.error({ err: error }, 'notification delivery round failed');
      } finally {
        this.running = undefined;
      }
    })();
  }

  private claim() {
    return this.store.claim(10, this.settings.leaseMs);
  }

  private async deliver(notification: NotificationRecord): Promise<void> {
    const attempt = notification.attempts + 1;
    const started = Date.now();
    const channel = await this.store.channel(notification.channelId);
    let outcome:
      | { ok: true; responseCode: number | null }
      | { ok: false; responseCode: number | null; error: string };
    try {
      const sender = channel ? this.senders[channel.kind] : undefined;
      if (!channel || !sender)
        throw new DeliveryError(
          channel ? `${channel.kind} channels are not configured on this server` : 'the channel was deleted',
        );
      const { responseCode } = await sender(channel, {
        id: notification.id,
        event: notification.event,
        subject: notification.subject,
        body: notification.body,
        data: notification.data,
        at: notification.createdAt,
      });
      outcome = { ok: true, responseCode };
    } catch (error) {
      outcome = {
        ok: false,
        responseCode: error instanceof DeliveryError ? error.responseCode : null,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    const record = {
      attempt,
      at: new Date(),
      ok: outcome.ok,
      responseCode: outcome.responseCode,
      error: outcome.ok ? null : outcome.error,
      durationMs: Date.now() - started,
    };
    const next = outcome.ok
      ? ({ status: 'DELIVERED' } as const)
      : attempt >= this.settings.maxAttempts
        ? ({ status: 'FAILED' } as const)
        : ({
            status: 'PENDING',
            retryAt: new Date(
              Date.now() + backoffDelay(attempt, this.settings.initialBackoffMs, MAX_BACKOFF_MS),
            ),
          } as const);
    await this.store.recordAttempt(notification.id, record, next);
    await this.onChange(notification, next.status);
    if (!outcome.ok)
      this.logger.warn(
        { notification: notification.id, attempt, error: outcome.error },
        next.status === 'FAILED'
          ? 'notification failed for good'
          : 'notification delivery failed; will retry',
      );
  }
}
