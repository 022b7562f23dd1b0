import { badUserInput } from '@jarvis/errors';
import { Cron } from 'croner';

/** The next `count` times a cron expression fires in a time zone, after `from`. */
export function nextCronTimes(cron: string, timezone: string, count: number, from = new Date()): Date[] {
  const job = new Cron(cron, { timezone, paused: true });
  return job.nextRuns(count, from);
}

/** Throws BAD_USER_INPUT saying what is wrong with a cron expression or time zone. */
export function checkCron(cron: string, timezone: string) {
  try {
    Intl.DateTimeFormat(undefined, { timeZone: timezone });
  } catch {
    throw badUserInput(`"${timezone}" is not an IANA time zone (like "UTC" or "Europe/Berlin")`, {
      argument: 'timezone',
    });
  }
  try {
    const next = nextCronTimes(cron, timezone, 1);
    if (next.length === 0) throw new Error('it never fires');
  } catch (error) {
    throw badUserInput(`cron expression "${cron}" does not parse: ${(error as Error).message}`, {
      argument: 'cron',
    });
  }
}
