import type { Database, JsonValue } from '@jarvis/db';
import { type Kysely, sql, type Transaction, type Updateable } from 'kysely';
import type { StepDefinition, WorkflowDefinition } from '../definition/workflowDefinition.ts';
import type { NewRunEvent, RunEvent, RunStatus, ScheduleRecord } from '../records.ts';
import type { NewRun, RunFilter, RunStore, StepChange } from './runStore.ts';
import { json, type Sql, type Tables, toEvent, toRun, toSchedule, toStep, toWorkflow } from './tables.ts';

/** Rows of the workflows schema: definitions, runs with their steps, the event log, schedules. */
export class SqlRunStore implements RunStore {
  readonly db: Kysely<Tables>;

  constructor(database: Database) {
    this.db = database.tables<Tables>('workflows');
  }

  transaction<T>(work: (trx: Transaction<Tables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  // Definitions

  async latestWorkflow(projectId: string, name: string, version?: number | null, q: Sql = this.db) {
    let query = q
      .selectFrom('workflow_versions')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name);
    if (version) query = query.where('version', '=', version);
    const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? toWorkflow(row) : undefined;
  }

  async workflowVersions(projectId: string, name: string) {
    const rows = await this.db
      .selectFrom('workflow_versions')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .execute();
    return rows.map(toWorkflow);
  }

  async workflows(projectId: string) {
    const rows = await this.db
      .selectFrom('workflow_versions as w')
      .selectAll()
      .where('project_id', '=', projectId)
      .where(({ eb, selectFrom }) =>
        eb(
          'version',
          '=',
          selectFrom('workflow_versions as l')
            .select(({ fn }) => fn.max('l.version').as('v'))
            .whereRef('l.project_id', '=', 'w.project_id')
            .whereRef('l.name', '=', 'w.name'),
        ),
      )
      .orderBy('name')
      .execute();
    return rows.map(toWorkflow);
  }

  /** Stores a new version unless the latest has the same digest; returns the current version. */
  async saveWorkflow(projectId: string, definition: WorkflowDefinition, digest: string) {
    return this.transaction(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`workflows:${projectId}:${definition.name}`}))`.execute(
        trx,
      );
      const latest = await trx
        .selectFrom('workflow_versions')
        .select(['version', 'digest'])
        .where('project_id', '=', projectId)
        .where('name', '=', definition.name)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (latest?.digest === digest)
        return (await this.latestWorkflow(projectId, definition.name, null, trx))!;
      const row = await trx
        .insertInto('workflow_versions')
        .values({
          project_id: projectId,
          name: definition.name,
          version: (latest?.version ?? 0) + 1,
          definition: json(definition) as string,
          digest,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toWorkflow(row);
    });
  }

  // Runs

  async insertRun(trx: Sql, run: NewRun, steps: StepDefinition[], defaultTaskQueue: string) {
    const row = await trx
      .insertInto('runs')
      .values({
        id: run.id,
        project_id: run.projectId,
        workflow_name: run.workflowName,
        workflow_version: run.workflowVersion,
        kind: run.kind,
        engine: run.engine,
        status: 'PENDING',
        progress: 0,
        message: null,
        input: json(run.input),
        result: null,
        error: null,
        component: run.component,
        idempotency_key: run.idempotencyKey,
        parent_run_id: run.parentRunId ?? null,
        parent_step_id: run.parentStepId ?? null,
        retry_of: run.retryOf ?? null,
        schedule_id: run.scheduleId ?? null,
        experiment_run_id: run.experimentRunId ?? null,
        task_queue: run.taskQueue,
        created_at: new Date(),
        started_at: null,
        ended_at: null,
        deadline_at: run.deadlineAt ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (steps.length > 0)
      await trx
        .insertInto('step_runs')
        .values(
          steps.map((s, position) => ({
            run_id: run.id,
            step_id: s.id,
            position,
            kind: s.kind,
            status: 'PENDING',
            attempt: 0,
            activity: s.activity ?? null,
            task_queue: s.kind === 'ACTIVITY' ? (s.taskQueue ?? defaultTaskQueue) : null,
            input: null,
            output: null,
            error: null,
            progress: 0,
            message: null,
            due_at: null,
            started_at: null,
            ended_at: null,
            lease_owner: null,
            lease_expires_at: null,
            heartbeat_expires_at: null,
            child_run_id: null,
          })),
        )
        .execute();
    return toRun(row);
  }

  async run(id: string, q: Sql = this.db) {
    const row = await q.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  async runsByIds(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('runs').selectAll().where('id', 'in', ids).execute();
    return rows.map(toRun);
  }

  /** Up to `limit` runs per experiment run, newest first, for many experiment runs in one query. */
  async runsOfExperimentRuns(projectId: string, experimentRunIds: readonly string[], limit: number) {
    if (experimentRunIds.length === 0) return [];
    const ranked = this.db
      .selectFrom('runs')
      .selectAll()
      .select((eb) =>
        eb.fn
          .agg<number>('row_number')
          .over((ob) =>
            ob.partitionBy('experiment_run_id').orderBy('created_at', 'desc').orderBy('id', 'desc'),
          )
          .as('rank'),
      )
      .where('project_id', '=', projectId)
      .where('experiment_run_id', 'in', experimentRunIds)
      .as('ranked');
    const rows = await this.db
      .selectFrom(ranked)
      .selectAll()
      .where('rank', '<=', limit)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((row) => toRun(row as never));
  }

  async runByIdempotencyKey(projectId: string, key: string, q: Sql = this.db) {
    const row = await q
      .selectFrom('runs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  /** The project's runs that match the filter; listing and counting read the same rows. */
  private matching(projectId: string, filter: RunFilter) {
    return this.db
      .selectFrom('runs')
      .where('project_id', '=', projectId)
      .where((eb) => {
        const and = [];
        if (filter.workflow) and.push(eb('workflow_name', '=', filter.workflow));
        if (filter.status?.length) and.push(eb('status', 'in', filter.status));
        if (filter.component) and.push(eb('component', '=', filter.component));
        if (filter.startedAfter) and.push(eb('created_at', '>=', filter.startedAfter));
        if (filter.startedBefore) and.push(eb('created_at', '<', filter.startedBefore));
        if (filter.scheduleId) and.push(eb('schedule_id', '=', filter.scheduleId));
        if (filter.experimentRunId) and.push(eb('experiment_run_id', '=', filter.experimentRunId));
        if (filter.parentRunId) and.push(eb('parent_run_id', '=', filter.parentRunId));
        if (filter.retryOf) and.push(eb('retry_of', '=', filter.retryOf));
        return eb.and(and);
      });
  }

  /** Runs newest first; `after` is the (created_at, id) of the last row of the previous page. */
  async runs(projectId: string, filter: RunFilter, limit: number, after?: { createdAt: Date; id: string }) {
    let query = this.matching(projectId, filter).selectAll();
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toRun);
  }

  async countRuns(projectId: string, filter: RunFilter) {
    const row = await this.matching(projectId, filter)
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One step's row. */
  stepRow(runId: string, stepId: string, q: Sql = this.db) {
    return q
      .selectFrom('step_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .where('step_id', '=', stepId)
      .executeTakeFirst();
  }

  async setStep(q: Sql | undefined, runId: string, stepId: string, change: StepChange, onlyAttempt?: number) {
    const { input, ...columns } = change;
    let update = (q ?? this.db)
      .updateTable('step_runs')
      .set({ ...columns, ...('input' in change ? { input: json(input) } : {}) })
      .where('run_id', '=', runId)
      .where('step_id', '=', stepId);
    if (onlyAttempt !== undefined) update = update.where('attempt', '=', onlyAttempt);
    await update.execute();
  }

  async steps(runId: string, q: Sql = this.db) {
    const rows = await q
      .selectFrom('step_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('position')
      .execute();
    return rows.map(toStep);
  }

  async events(runId: string, afterSequence = 0) {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('run_id', '=', runId)
      .where('sequence', '>', afterSequence)
      .orderBy('sequence')
      .execute();
    return rows.map(toEvent);
  }

  /** Locks the run's row for the rest of the transaction, so its events are numbered in order. */
  async lockRun(trx: Transaction<Tables>, runId: string) {
    const row = await trx
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', runId)
      .forUpdate()
      .executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  /**
   * Appends events to a run's log and applies them to the run and step rows (status, progress,
   * output, error). The caller holds the run's lock (`lockRun`). Returns the stored events.
   */
  async appendEvents(trx: Transaction<Tables>, runId: string, events: NewRunEvent[]): Promise<RunEvent[]> {
    if (events.length === 0) return [];
    const last = await trx
      .selectFrom('events')
      .select(({ fn }) => fn.max('sequence').as('s'))
      .where('run_id', '=', runId)
      .executeTakeFirst();
    let sequence = Number(last?.s ?? 0);
    const stored: RunEvent[] = [];
    for (const e of events) {
      const at = e.at ? new Date(e.at) : new Date();
      sequence += 1;
      const row = {
        run_id: runId,
        sequence,
        type: e.type,
        step_id: e.stepId ?? null,
        attempt: e.attempt ?? null,
        progress: e.progress ?? null,
        message: e.message ?? null,
        data: json(e.data ?? null),
        at,
      };
      await trx.insertInto('events').values(row).execute();
      stored.push(toEvent({ ...row, data: (e.data ?? null) as JsonValue }));
      await this.project(trx, runId, e, at);
    }
    return stored;
  }

  private async project(trx: Transaction<Tables>, runId: string, e: NewRunEvent, at: Date) {
    const step = () =>
      trx
        .updateTable('step_runs')
        .where('run_id', '=', runId)
        .where('step_id', '=', e.stepId ?? '');
    const data = (e.data ?? {}) as Record<string, unknown>;
    const finishRun = (status: RunStatus, extra: Updateable<Tables['runs']> = {}) =>
      Promise.all([
        trx
          .updateTable('runs')
          .set({ status, ended_at: at, ...extra })
          .where('id', '=', runId)
          .execute(),
        trx
          .updateTable('step_runs')
          .set({ status: 'CANCELLED', ended_at: at, lease_owner: null })
          .where('run_id', '=', runId)
          .where('status', 'not in', ['COMPLETED', 'FAILED', 'CANCELLED'])
          .execute(),
      ]);
    switch (e.type) {
      case 'RUN_STARTED':
        await trx
          .updateTable('runs')
          .set({ status: 'RUNNING', started_at: sql`coalesce(started_at, ${at})` })
          .where('id', '=', runId)
          .execute();
        return;
      case 'STEP_STARTED':
        await step()
          .set({
            // A timer or a signal wait is WAITING while it runs, on both engines.
            status: sql<string>`case when kind in ('TIMER', 'SIGNAL') then 'WAITING' else 'RUNNING' end`,
            attempt: e.attempt ?? 1,
            started_at: at,
            ended_at: null,
            progress: 0,
            ...(data.input !== undefined ? { input: json(data.input) } : {}),
            ...(data.childRunId ? { child_run_id: String(data.childRunId) } : {}),
          })
          .execute();
        return;
      case 'STEP_PROGRESS':
        await step()
          .set({ progress: e.progress ?? 0, message: e.message ?? null })
          .execute();
        await this.rollUpProgress(trx, runId, e.message ?? null);
        return;
      case 'STEP_RETRYING':
        await step()
          .set({
            status: 'RETRYING',
            error: json(data.error),
            due_at: data.nextAttemptAt ? new Date(String(data.nextAttemptAt)) : null,
          })
          .execute();
        return;
      case 'STEP_COMPLETED':
        await step()
          .set({
            status: 'COMPLETED',
            output: json(data.output ?? null),
            progress: 1,
            ended_at: at,
            error: null,
          })
          .execute();
        await this.rollUpProgress(trx, runId, null);
        return;
      case 'STEP_FAILED':
        await step()
          .set({ status: 'FAILED', error: json(data.error), ended_at: at })
          .execute();
        return;
      case 'STEP_CANCELLED':
        await step().set({ status: 'CANCELLED', ended_at: at }).execute();
        return;
      case 'RUN_COMPLETED':
        await finishRun('COMPLETED', { result: json(data.result ?? null), progress: 1 });
        return;
      case 'RUN_FAILED':
        await finishRun('FAILED', { error: json(data.error) });
        return;
      case 'RUN_CANCELLED':
        await finishRun('CANCELLED');
        return;
      case 'RUN_TERMINATED':
        await finishRun('TERMINATED', { message: e.message ?? null });
        return;
      case 'RUN_TIMED_OUT':
        await finishRun('TIMED_OUT', { error: json(data.error) });
        return;
      case 'LOG':
        return;
    }
  }

  /** A run's progress is the mean of its steps' (a completed step counts 1). */
  private async rollUpProgress(trx: Transaction<Tables>, runId: string, message: string | null) {
    await sql`update workflows.runs set progress = coalesce((
        select avg(case when status = 'COMPLETED' then 1 else progress end) from workflows.step_runs where run_id = ${runId}
      ), progress)${message === null ? sql`` : sql`, message = ${message}`} where id = ${runId}`.execute(trx);
  }

  // Schedules

  /** The oldest signal `name` kept for a run before its step waited, marked taken by `stepId`. */
  async takeBufferedSignal(q: Sql, runId: string, name: string, stepId: string) {
    const buffered = await q
      .selectFrom('signals')
      .select(['id', 'payload'])
      .where('run_id', '=', runId)
      .where('name', '=', name)
      .where('consumed_by', 'is', null)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!buffered) return undefined;
    await q.updateTable('signals').set({ consumed_by: stepId }).where('id', '=', buffered.id!).execute();
    return buffered;
  }

  /** Like Temporal, a signal that arrives before its step waits is kept for it. */
  async bufferSignal(q: Sql, runId: string, name: string, payload: unknown) {
    await q
      .insertInto('signals')
      .values({ run_id: runId, name, payload: json(payload), consumed_by: null })
      .execute();
  }

  /** SIGNAL steps of a run waiting now. */
  stepsWaitingForSignals(q: Sql, runId: string) {
    return q
      .selectFrom('step_runs')
      .select('step_id')
      .where('run_id', '=', runId)
      .where('status', '=', 'WAITING')
      .where('kind', '=', 'SIGNAL')
      .execute();
  }

  /** Child runs of a run still PENDING or RUNNING. */
  unfinishedChildren(q: Sql, parentRunId: string) {
    return q
      .selectFrom('runs')
      .selectAll()
      .where('parent_run_id', '=', parentRunId)
      .where('status', 'in', ['PENDING', 'RUNNING'])
      .execute();
  }

  /** The activity step due first on a queue, among these activities (unlocked: a hint to claim). */
  nextDueStep(queue: string, activities: string[], now: Date, projectId?: string) {
    let query = this.db
      .selectFrom('step_runs')
      .select(['step_runs.run_id', 'step_runs.step_id'])
      .where('step_runs.status', 'in', ['SCHEDULED', 'RETRYING'])
      .where('step_runs.task_queue', '=', queue)
      .where('step_runs.activity', 'in', activities)
      .where('step_runs.due_at', '<=', now);
    if (projectId !== undefined)
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('runs')
            .select('runs.id')
            .whereRef('runs.id', '=', 'step_runs.run_id')
            .where('runs.project_id', '=', projectId),
        ),
      );
    return query.orderBy('step_runs.due_at').limit(1).executeTakeFirst();
  }

  /** The step, if it is still waiting for a worker (read under its run's lock). */
  stepReadyToLease(q: Sql, runId: string, stepId: string) {
    return q
      .selectFrom('step_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .where('step_id', '=', stepId)
      .where('status', 'in', ['SCHEDULED', 'RETRYING'])
      .executeTakeFirst();
  }

  /** Timers that are due, and activity attempts whose lease or heartbeat ran out. */
  stepsDue(now: Date, limit: number) {
    return this.db
      .selectFrom('step_runs')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'WAITING'), eb('kind', '=', 'TIMER'), eb('due_at', '<=', now)]),
          eb.and([
            eb('status', '=', 'RUNNING'),
            eb('kind', '=', 'ACTIVITY'),
            eb.or([eb('lease_expires_at', '<=', now), eb('heartbeat_expires_at', '<=', now)]),
          ]),
        ]),
      )
      .limit(limit)
      .execute();
  }

  /** Running runs past their execution deadline. */
  runsPastDeadline(now: Date, limit: number) {
    return this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', '=', 'RUNNING')
      .where('deadline_at', '<=', now)
      .limit(limit)
      .execute();
  }

  /** Unpaused schedules of an engine whose next fire time has come. */
  schedulesDue(engine: 'local' | 'temporal', now: Date) {
    return this.db
      .selectFrom('schedules')
      .selectAll()
      .where('engine', '=', engine)
      .where('paused', '=', false)
      .where('next_fire_at', '<=', now)
      .execute();
  }

  /** Moves a schedule's next fire time on, if no replica did first: true for the one that fires. */
  async claimScheduleFire(id: string, was: Date, next: Date | null, now: Date) {
    const claimed = await this.db
      .updateTable('schedules')
      .set({ next_fire_at: next, last_fired_at: now })
      .where('id', '=', id)
      .where('next_fire_at', '=', was)
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) > 0;
  }

  async setNextFire(id: string, next: Date | null) {
    await this.db.updateTable('schedules').set({ next_fire_at: next }).where('id', '=', id).execute();
  }

  /** Activity steps running under leases whose owner matches `ownerPattern` (SQL LIKE). */
  stepsLeasedBy(ownerPattern: string) {
    return this.db
      .selectFrom('step_runs')
      .selectAll()
      .where('status', '=', 'RUNNING')
      .where('kind', '=', 'ACTIVITY')
      .where('lease_owner', 'like', ownerPattern)
      .execute();
  }

  /** A run that could not start leaves nothing behind. */
  async deleteRun(id: string) {
    await this.db.deleteFrom('runs').where('id', '=', id).execute();
  }

  /** Runs on an engine still PENDING or RUNNING that were created before `before`, oldest first. */
  unfinishedRuns(engine: 'local' | 'temporal', before: Date, limit: number) {
    return this.db
      .selectFrom('runs')
      .select(['id', 'status', 'kind'])
      .where('engine', '=', engine)
      .where('status', 'in', ['PENDING', 'RUNNING'])
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }

  /** Steps of a run still under way (scheduled, running, retrying or waiting). */
  activeSteps(q: Sql, runId: string) {
    return q
      .selectFrom('step_runs')
      .select(['step_id', 'attempt'])
      .where('run_id', '=', runId)
      .where('status', 'in', ['SCHEDULED', 'RUNNING', 'RETRYING', 'WAITING'])
      .orderBy('step_id')
      .execute();
  }

  /** A new schedule (the engine learns of it separately). */
  async insertSchedule(s: Omit<ScheduleRecord, 'nextFireAt' | 'lastFiredAt' | 'buffered' | 'createdAt'>) {
    await this.db
      .insertInto('schedules')
      .values({
        id: s.id,
        project_id: s.projectId,
        workflow_name: s.workflowName,
        input: json(s.input),
        component: s.component,
        cron: s.cron,
        timezone: s.timezone,
        overlap: s.overlap,
        trigger: json(s.trigger),
        paused: s.paused,
        note: s.note,
        engine: s.engine,
        next_fire_at: null,
        last_fired_at: null,
        buffered: 0,
      })
      .execute();
    return (await this.schedule(s.projectId, s.id))!;
  }

  async deleteSchedule(id: string) {
    await this.db.deleteFrom('schedules').where('id', '=', id).execute();
  }

  async setSchedulePaused(id: string, paused: boolean, note?: string | null) {
    await this.db
      .updateTable('schedules')
      .set({ paused, ...(note !== undefined ? { note } : {}) })
      .where('id', '=', id)
      .execute();
  }

  /** BUFFER_ONE: a fire that came while the last run still went, kept for when it ends. */
  async bufferScheduleFire(id: string) {
    await this.db.updateTable('schedules').set({ buffered: 1 }).where('id', '=', id).execute();
  }

  /** Takes the buffered fire back, once: true for the caller that took it. */
  async releaseBufferedFire(id: string) {
    const released = await this.db
      .updateTable('schedules')
      .set({ buffered: 0 })
      .where('id', '=', id)
      .where('buffered', '>', 0)
      .returning('id')
      .executeTakeFirst();
    return released !== undefined;
  }

  async schedule(projectId: string | null, id: string, q: Sql = this.db) {
    let query = q.selectFrom('schedules').selectAll().where('id', '=', id);
    if (projectId) query = query.where('project_id', '=', projectId);
    const row = await query.executeTakeFirst();
    return row ? toSchedule(row) : undefined;
  }

  /** The project's unpaused schedules with an event trigger of this kind. */
  async triggered(projectId: string, kind: NonNullable<ScheduleRecord['trigger']>['kind']) {
    const rows = await this.db
      .selectFrom('schedules')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('paused', '=', false)
      .where(sql<string>`trigger->>'kind'`, '=', kind)
      .execute();
    return rows.map(toSchedule);
  }

  async schedules(projectId: string, workflow?: string | null) {
    let query = this.db.selectFrom('schedules').selectAll().where('project_id', '=', projectId);
    if (workflow) query = query.where('workflow_name', '=', workflow);
    return (await query.orderBy('created_at').execute()).map(toSchedule);
  }
}
