import { randomUUID } from 'node:crypto';
import { decide } from '@jarvis/auth';
import type { Logger, Principal } from '@jarvis/context';
import { JarvisError } from '@jarvis/errors';
import type { Job } from '@jarvis/jobs';
import type { PubSub } from '@jarvis/pubsub';
import type { ArtifactPort } from '@jarvis/subgraph';
import type { DriveProvider } from '../providers/driveProvider.ts';
import type { DriveRecord, SyncRequest, TransferRecord } from '../records.ts';
import type { DriveStore } from '../store/driveStore.ts';
import type { SyncJobStore } from '../store/syncJobStore.ts';
import type { TransferStore } from '../store/transferStore.ts';
import { exportFiles } from './exportFiles.ts';
import { importFiles } from './importFiles.ts';
import { syncFiles } from './syncFiles.ts';
import { TransferReporter } from './transferReporter.ts';

/** Transfers that run at once in a process. */
const CONCURRENCY = 2;

export interface TransferRunnerDeps {
  transfers: TransferStore;
  drives: DriveStore;
  syncJobs: SyncJobStore;
  pubsub: PubSub;
  logger: Logger;
  artifacts(): ArtifactPort;
  provider(drive: DriveRecord): DriveProvider;
  /** Marks the drive NEEDS_RECONNECT when the error says its credentials stopped working. */
  noteReconnect(drive: DriveRecord, error: unknown): Promise<void>;
  /** Who asked, as they stand now (identity's currentPrincipal): a revoked key no longer acts. */
  currentPrincipal(principal: Principal): Promise<Principal>;
}

class Cancelled extends Error {}

/**
 * Runs queued transfers on the job runner: one replica at a time holds the job, so a transfer
 * runs once; one left RUNNING by a process that died runs again (what it moved is skipped).
 * Stopping the process leaves the transfers under way RUNNING, to go on at the next start.
 */
export class TransferRunner {
  private readonly running = new Set<string>();
  private claiming: Promise<unknown> = Promise.resolve();
  private readonly deps: TransferRunnerDeps;

  constructor(deps: TransferRunnerDeps) {
    this.deps = deps;
  }

  /** The job that runs queued transfers. */
  job(): Job {
    return { name: 'transfers', intervalMs: 500, leaseMs: 30_000, run: (signal) => this.drain(signal) };
  }

  /** The job that queues a run of each sync job when it is due (one at a time per job). */
  syncSchedule(): Job {
    return {
      name: 'sync-schedule',
      intervalMs: 5_000,
      run: async () => {
        for (const job of await this.deps.syncJobs.takeDue(100)) {
          const queued = await this.deps.transfers.insert({
            id: randomUUID(),
            projectId: job.projectId,
            ownerId: job.ownerId,
            driveId: job.driveId,
            direction: 'SYNC',
            request: { syncJobId: job.id },
            principal: job.principal,
            syncJobId: job.id,
          });
          // None queued: its previous run is still going; the next one comes at the next interval.
          if (queued) this.deps.logger.info({ syncJobId: job.id, transferId: queued.id }, 'sync run queued');
        }
      },
    };
  }

  private async drain(signal: AbortSignal) {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!signal.aborted) {
          const transfer = await this.claim();
          if (!transfer) return;
          try {
            await this.run(transfer, signal);
          } finally {
            this.running.delete(transfer.id);
          }
        }
      }),
    );
  }

  /** One claim at a time, so two workers never take the same orphaned transfer. */
  private claim(): Promise<TransferRecord | undefined> {
    const next = this.claiming.then(async () => {
      const transfer = await this.deps.transfers.claimNext([...this.running]);
      if (transfer) this.running.add(transfer.id);
      return transfer;
    });
    this.claiming = next.catch(() => undefined);
    return next;
  }

  /** The principal to act as now, or why the one who asked no longer may. */
  private async stillAllowed(transfer: TransferRecord): Promise<Principal | string> {
    let principal: Principal;
    try {
      principal = await this.deps.currentPrincipal(transfer.principal);
    } catch (error) {
      return `the one who asked can no longer act (${(error as Error).message})`;
    }
    const needs = ['drives:write', transfer.direction === 'EXPORT' ? 'storage:read' : 'storage:write'];
    const missing = needs.filter((scope) => decide(principal, scope) !== 'allowed');
    return missing.length
      ? `the one who asked no longer has ${missing.join(' and ')} in this project`
      : principal;
  }

  private async run(transfer: TransferRecord, stopping: AbortSignal) {
    const { transfers, logger } = this.deps;
    const reporter = new TransferReporter(transfer, { pubsub: this.deps.pubsub, store: transfers });
    const end = async (status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', error: string | null) => {
      const ended = await transfers.finish(transfer.id, status, error, reporter.progress);
      await reporter.event(ended ? status : 'CANCELLED', error ? { message: error } : {});
      logger.info(
        { transferId: transfer.id, status: ended ? status : 'CANCELLED', ...reporter.progress },
        'drive transfer ended',
      );
    };
    const drive = await this.deps.drives.get(transfer.projectId, transfer.ownerId, transfer.driveId);
    if (!drive) return end('FAILED', 'the drive was disconnected');
    // A transfer acts later in someone's name (a sync job, for months): as they stand today.
    const refusal = await this.stillAllowed(transfer);
    if (typeof refusal === 'string') {
      if (transfer.syncJobId) await this.deps.syncJobs.setEnabled(transfer.syncJobId, false);
      return end(
        'FAILED',
        `${refusal}${transfer.syncJobId ? '; the sync job is paused until someone with the rights runs it' : ''}`,
      );
    }
    transfer = { ...transfer, principal: refusal };
    const cancel = new AbortController();
    const signal = AbortSignal.any([stopping, cancel.signal]);
    await reporter.event('STARTED');
    let firstError: string | null;
    try {
      const work = {
        transfer,
        drive,
        provider: this.deps.provider(drive),
        artifacts: this.deps.artifacts(),
        store: transfers,
        reporter,
        logger,
        signal,
        cancelled: () => {
          cancel.abort(new Cancelled('the transfer was cancelled'));
          return new Cancelled('the transfer was cancelled');
        },
      };
      if (transfer.direction === 'SYNC') {
        const job = await this.deps.syncJobs.byId((transfer.request as SyncRequest).syncJobId);
        if (!job) return end('FAILED', 'the sync job was deleted');
        firstError = await syncFiles(work, job, this.deps.syncJobs);
      } else firstError = await (transfer.direction === 'IMPORT' ? importFiles(work) : exportFiles(work));
    } catch (error) {
      // Stopping: it stays RUNNING and goes on at the next start.
      if (stopping.aborted) return;
      if (cancel.signal.aborted) return end('CANCELLED', null);
      await this.deps.noteReconnect(drive, error);
      if (!(error instanceof JarvisError))
        logger.warn({ err: error, transferId: transfer.id }, 'drive transfer failed');
      return end(
        'FAILED',
        error instanceof JarvisError ? error.message : `${(error as Error).message}; run the transfer again`,
      );
    }
    const { filesFailed, filesTotal } = reporter.progress;
    return end(
      filesFailed ? 'FAILED' : 'SUCCEEDED',
      filesFailed ? `${filesFailed} of ${filesTotal} files did not move; the first: ${firstError}` : null,
    );
  }
}
