import type { Logger } from '@jarvis/context';
import type { ScheduleRecord } from '../records.ts';
import type { RunStore } from '../store/runStore.ts';
import { toSchedule } from '../store/tables.ts';
import { nextCronTimes } from './cronTimes.ts';

/**
 * Cron schedules on the local engine: each is a row with its next fire time, fired by the
 * engine's tick. Only the replica that moves the time on fires, so a schedule fires once.
 */
export class LocalSchedules {
  private readonly store: RunStore;
  private readonly fire: (schedule: ScheduleRecord) => Promise<void>;
  private readonly logger: Logger;

  constructor(deps: { store: RunStore; fire: (schedule: ScheduleRecord) => Promise<void>; logger: Logger }) {
    this.store = deps.store;
    this.fire = deps.fire;
    this.logger = deps.logger;
  }

  /** Fires every schedule whose time came (called by the tick). */
  async fireDue(now: Date) {
    for (const s of await this.store.schedulesDue('local', now)) {
      const next = s.cron ? (nextCronTimes(s.cron, s.timezone, 1, now)[0] ?? null) : null;
      if (!(await this.store.claimScheduleFire(s.id, s.next_fire_at!, next, now))) continue;
      await this.fire({ ...toSchedule(s), lastFiredAt: now }).catch((error: unknown) =>
        this.logger.error({ err: error, scheduleId: s.id }, 'a schedule could not start its workflow'),
      );
    }
  }

  /** Sets the next fire time from the cron expression (none while paused). */
  async save(schedule: ScheduleRecord) {
    const next =
      schedule.cron && !schedule.paused
        ? (nextCronTimes(schedule.cron, schedule.timezone, 1)[0] ?? null)
        : null;
    await this.store.setNextFire(schedule.id, next);
  }

  nextFireTimes(schedule: ScheduleRecord, count: number) {
    if (!schedule.cron || schedule.paused) return [];
    return nextCronTimes(schedule.cron, schedule.timezone, count);
  }
}
