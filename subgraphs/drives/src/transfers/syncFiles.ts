import { conflict } from '@jarvis/errors';
import type { PortArtifact } from '@jarvis/subgraph';
import { joinPath } from '../providers/drivePath.ts';
import type { DriveEntry } from '../providers/driveProvider.ts';
import { mimeTypeOf } from '../providers/mimeTypeOf.ts';
import type { SyncJobRecord, SyncStateRecord } from '../records.ts';
import type { SyncJobStore } from '../store/syncJobStore.ts';
import { artifactNameFor } from './artifactNameFor.ts';
import { conflictName } from './conflictName.ts';
import { exportOne } from './exportFiles.ts';
import { fileDone, stopsTransfer } from './fileOutcomes.ts';
import { importOne } from './importFiles.ts';
import { resumableRead } from './resumableRead.ts';
import type { TransferWork } from './transferWork.ts';

/** Artifact names a sync run reads under its prefix at most. */
const MAX_ARTIFACTS = 10_000;

/** One step of a sync run, decided before any moves so the run's totals are known. */
type Step =
  | { kind: 'import'; entry: DriveEntry; name: string }
  | { kind: 'export'; artifact: PortArtifact; path: string }
  | { kind: 'conflict'; entry: DriveEntry; artifact: PortArtifact }
  | { kind: 'deleteArtifact'; state: SyncStateRecord; artifact: PortArtifact }
  | { kind: 'deleteOnDrive'; state: SyncStateRecord; entry: DriveEntry }
  /** A new drive file whose artifact name another drive file has: it fails, saying so. */
  | { kind: 'clash'; entry: DriveEntry; name: string }
  /** Bookkeeping only: a side deleted without propagation, or a pair gone on both sides. */
  | { kind: 'note'; state: SyncStateRecord | null; drivePath: string };

/**
 * One run of a sync job. Each side's current state (the drive folder's change markers, the
 * prefix's newest artifact versions) is compared with what the job last saw in sync:
 * - changed on one side: copied to the other (if the job's direction allows);
 * - changed on both (BOTH): a conflict; both are kept, the drive's copy beside the file as
 *   `name (conflict <time>).ext` (and imported too), the artifact's written in its place;
 * - deleted on one side: deleted on the other only with propagateDeletions; otherwise the other
 *   side's copy stays and is not copied back until it changes;
 * - new on both sides under one name: a conflict, as above.
 * Nothing changed: nothing moves.
 */
export async function syncFiles(
  work: TransferWork,
  job: SyncJobRecord,
  syncs: SyncJobStore,
): Promise<string | null> {
  const canImport = job.direction !== 'EXPORT';
  const canExport = job.direction !== 'IMPORT';
  const { provider, transfer } = work;
  const relative = (path: string) => (job.folder ? path.slice(job.folder.length + 1) : path);
  const state = await syncs.state(job.id);
  // Asked before looking, so what changes during this run is in the next run's answer.
  const feed = provider.changes ? await provider.changes(job.driveCursor) : undefined;
  // A quiet drive still has the folder the last clean run had.
  if (canExport && job.folder && !(feed && !feed.changed)) await provider.mkdir(job.folder);
  const driveFiles = new Map(
    feed && !feed.changed
      ? // The drive's feed says nothing changed since the last clean run: it holds what the state says.
        state.filter((s) => s.driveVersion !== '').map((s) => [s.drivePath, unchangedEntry(s)])
      : (await provider.list(job.folder, { recursive: true }))
          .filter((e) => !e.folder)
          .map((e) => [e.path, e]),
  );
  const artifacts = new Map(
    (await work.artifacts.latestUnder(transfer.principal, `${job.prefix}/`, MAX_ARTIFACTS))
      .filter((a) => !a.deletedAt)
      .map((a) => [a.name, a]),
  );
  const steps: Step[] = [];
  const pairedDrive = new Set<string>();
  const pairedArtifacts = new Set<string>();
  for (const s of state) {
    pairedDrive.add(s.drivePath);
    pairedArtifacts.add(s.artifactName);
    const entry = driveFiles.get(s.drivePath);
    const artifact = artifacts.get(s.artifactName);
    const driveChanged = entry ? entry.version !== s.driveVersion : s.driveVersion !== '';
    const artifactChanged = artifact ? artifact.id !== s.artifactId : s.artifactId !== '';
    if (!driveChanged && !artifactChanged) continue;
    if (!entry && !artifact) steps.push({ kind: 'note', state: null, drivePath: s.drivePath });
    else if (driveChanged && artifactChanged && entry && artifact)
      steps.push(
        job.direction === 'BOTH'
          ? { kind: 'conflict', entry, artifact }
          : canImport
            ? { kind: 'import', entry, name: s.artifactName }
            : { kind: 'export', artifact, path: s.drivePath },
      );
    else if (entry && (driveChanged || !artifact)) {
      // The drive's copy changed (a change outlives a deletion on the other side), or the artifact went.
      if (driveChanged && canImport) steps.push({ kind: 'import', entry, name: s.artifactName });
      else if (!artifact && canExport && job.propagateDeletions)
        steps.push({ kind: 'deleteOnDrive', state: s, entry });
      else if (!artifact)
        steps.push({ kind: 'note', state: { ...s, artifactId: '' }, drivePath: s.drivePath });
    } else if (artifact) {
      if (artifactChanged && canExport) steps.push({ kind: 'export', artifact, path: s.drivePath });
      else if (!entry && canImport && job.propagateDeletions)
        steps.push({ kind: 'deleteArtifact', state: s, artifact });
      else if (!entry)
        steps.push({ kind: 'note', state: { ...s, driveVersion: '' }, drivePath: s.drivePath });
    }
  }
  for (const entry of driveFiles.values()) {
    if (pairedDrive.has(entry.path)) continue;
    const name = artifactNameFor(job.prefix, relative(entry.path));
    // Another drive file has this name already ("a b.csv" and "a_b.csv"): not taken over.
    if (pairedArtifacts.has(name)) {
      steps.push({ kind: 'clash', entry, name });
      continue;
    }
    const artifact = artifacts.get(name);
    pairedArtifacts.add(name);
    if (artifact && job.direction === 'BOTH') steps.push({ kind: 'conflict', entry, artifact });
    else if (artifact && !canImport) steps.push({ kind: 'export', artifact, path: entry.path });
    else if (canImport) steps.push({ kind: 'import', entry, name });
  }
  if (canExport)
    for (const artifact of artifacts.values())
      if (!pairedArtifacts.has(artifact.name))
        steps.push({
          kind: 'export',
          artifact,
          path: joinPath(job.folder, artifact.name.slice(job.prefix.length + 1)),
        });

  const { progress } = work.reporter;
  const moving = steps.filter((s) => s.kind !== 'note');
  progress.filesTotal = moving.length;
  progress.bytesTotal = moving.reduce((sum, s) => sum + sizeOf(s), 0);
  await work.reporter.save();
  let firstError: string | null = null;
  for (const step of steps) {
    if (work.signal.aborted) throw work.signal.reason;
    if (step.kind === 'note') {
      if (step.state) await syncs.saveState(job.id, step.state);
      else await syncs.dropState(job.id, step.drivePath);
      continue;
    }
    const path =
      step.kind === 'export'
        ? step.path
        : step.kind === 'deleteArtifact'
          ? step.state.drivePath
          : step.entry.path;
    const file = { path, size: sizeOf(step) };
    try {
      await run(step);
    } catch (error) {
      if (stopsTransfer(error, work)) throw error;
      firstError ??= `${path}: ${await fileDone(work, file, 'FAILED', { error })}`;
    }
  }
  // Only a clean run moves the feed on: a file that failed is looked for again next time.
  if (feed && !firstError) await syncs.setCursor(job.id, feed.cursor);
  return firstError;

  async function run(step: Exclude<Step, { kind: 'note' }>) {
    const file = (path: string) => ({ path, size: sizeOf(step) });
    switch (step.kind) {
      case 'clash':
        throw conflict(
          `${step.entry.path} would be synced as ${step.name}, which another file on the drive has; rename one of them`,
          { path: step.entry.path },
        );
      case 'import': {
        const done = file(step.entry.path);
        const artifactId = await importOne(work, step.entry, step.name);
        await syncs.saveState(job.id, {
          drivePath: step.entry.path,
          artifactName: step.name,
          driveVersion: step.entry.version,
          artifactId,
        });
        return fileDone(work, done, 'MOVED', { artifactId, direction: 'IMPORT' });
      }
      case 'export': {
        const done = file(step.path);
        const written = await exportOne(work, step.artifact.id, step.path);
        await syncs.saveState(job.id, {
          drivePath: step.path,
          artifactName: step.artifact.name,
          driveVersion: written.version,
          artifactId: step.artifact.id,
        });
        return fileDone(work, done, 'MOVED', { artifactId: step.artifact.id, direction: 'EXPORT' });
      }
      case 'conflict': {
        const done = file(step.entry.path);
        // The drive's copy moves aside (copied, then the artifact's written in its place)...
        const aside = conflictName(step.entry.path, new Date());
        const kept = await provider.write(
          aside,
          resumableRead((start) => provider.read(step.entry.path, { start }), step.entry.size, {
            signal: work.signal,
          }),
          step.entry.size,
          { mimeType: step.entry.mimeType },
        );
        const written = await exportOne(work, step.artifact.id, step.entry.path);
        await syncs.saveState(job.id, {
          drivePath: step.entry.path,
          artifactName: step.artifact.name,
          driveVersion: written.version,
          artifactId: step.artifact.id,
        });
        // ...and comes into storage too, so both sides hold both.
        const asideName = artifactNameFor(job.prefix, relative(aside));
        const asideId = await importOne(work, kept, asideName);
        await syncs.saveState(job.id, {
          drivePath: aside,
          artifactName: asideName,
          driveVersion: kept.version,
          artifactId: asideId,
        });
        return fileDone(work, done, 'CONFLICT', {
          artifactId: step.artifact.id,
          direction: 'EXPORT',
          error: undefined,
        });
      }
      case 'deleteArtifact': {
        const done = file(step.state.drivePath);
        await work.artifacts.setDeleted(transfer.principal, step.artifact.id, true);
        await syncs.dropState(job.id, step.state.drivePath);
        return fileDone(work, done, 'DELETED', { artifactId: step.artifact.id, direction: 'IMPORT' });
      }
      case 'deleteOnDrive': {
        const done = file(step.entry.path);
        await provider.remove(step.entry.path);
        await syncs.dropState(job.id, step.state.drivePath);
        return fileDone(work, done, 'DELETED', { direction: 'EXPORT' });
      }
    }
  }
}

/** A drive file as the state last saw it (all a run needs of a file that did not change). */
function unchangedEntry(s: SyncStateRecord): DriveEntry {
  const name = s.drivePath.slice(s.drivePath.lastIndexOf('/') + 1);
  return {
    path: s.drivePath,
    name,
    folder: false,
    size: 0,
    modifiedAt: new Date(0),
    mimeType: mimeTypeOf(name),
    version: s.driveVersion,
    providerId: '',
  };
}

function sizeOf(step: Step): number {
  switch (step.kind) {
    case 'import':
    case 'conflict':
    case 'clash':
      return step.entry.size;
    case 'export':
      return step.artifact.size;
    default:
      return 0;
  }
}
