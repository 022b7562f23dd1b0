import type { JarvisConfig } from '@jarvis/config';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export interface RateLimits {
  /** Counts a request of this caller; throws LIMIT_EXCEEDED (with retryAfter) past the limit. */
  request(caller: string): Promise<void>;
  /** Throws LIMIT_EXCEEDED while this address has failed to sign in too often. */
  checkSignIns(address: string): Promise<void>;
  failedSignIn(address: string): Promise<void>;
  close(): Promise<void>;
}

const exceeded = (what: string, res: RateLimiterRes) => {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new JarvisError(ErrorCode.LIMIT_EXCEEDED, `${what}; retry in ${retryAfter} s`, {
    retryAfter,
    limit: 'rate',
  });
};

/**
 * Requests per key or user per minute, and failed sign-ins per client address; in this process,
 * or shared by every router replica through Redis when `pubsub.type` is redis.
 */
export function rateLimits(config: JarvisConfig): RateLimits {
  const { requests_per_minute, failed_sign_ins_per_minute } = config.auth.rate_limit;
  const redis =
    config.pubsub.type === 'redis' && config.pubsub.url
      ? new Redis(config.pubsub.url, { lazyConnect: true, enableOfflineQueue: true, maxRetriesPerRequest: 1 })
      : undefined;
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix,
          points,
          duration: 60,
          insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }),
        })
      : new RateLimiterMemory({ keyPrefix, points, duration: 60 });
  const requests = requests_per_minute > 0 ? limiter('jarvis-rl-req', requests_per_minute) : undefined;
  const signIns = limiter('jarvis-rl-signin', failed_sign_ins_per_minute);
  return {
    async request(caller) {
      if (!requests) return;
      try {
        await requests.consume(caller);
      } catch (error) {
        if (error instanceof RateLimiterRes)
          throw exceeded(`more than ${requests_per_minute} requests a minute from this caller`, error);
        throw error;
      }
    },
    async checkSignIns(address) {
      const res = await signIns.get(address);
      if (res && res.remainingPoints <= 0) throw exceeded('too many failed sign-ins from this address', res);
    },
    async failedSignIn(address) {
      await signIns.penalty(address, 1);
    },
    async close() {
      redis?.disconnect();
    },
  };
}
