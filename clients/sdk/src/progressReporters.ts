import type { DriveTransferEvent } from './drives/awaitDriveTransfer.ts';
import { formatBytes, type ProgressBarOptions, progressBar } from './progressBar.ts';
import type { OnProgress } from './storage/transferProgress.ts';
import type { WorkflowEvent } from './workflows/watchWorkflow.ts';

/** An `onProgress` for storeArtifact / retrieveArtifact that draws `label [████░░] 42%  1.2/3.0 MiB`. */
export function transferBar(label: string, options: ProgressBarOptions = {}): OnProgress {
  const bar = progressBar(label, { lineOnNote: false, ...options });
  return ({ bytes, total, resumed }) => {
    const note =
      resumed && resumed === total
        ? `${formatBytes(total)}, already stored`
        : `${formatBytes(bytes)}/${formatBytes(total)}${resumed ? ` (resumed at ${formatBytes(resumed)})` : ''}`;
    if (bytes >= total) bar.done(note);
    else bar.update(total ? bytes / total : 0, note);
  };
}

/**
 * An `onProgress` for importUserMedia / exportResults that draws
 * `label [████░░] 42%  3/7 files  1.2/3.0 MiB`, and the file that failed or was a conflict.
 */
export function driveTransferBar(
  label: string,
  options: ProgressBarOptions = {},
): (event: DriveTransferEvent) => void {
  const bar = progressBar(label, { lineOnNote: false, ...options });
  const stream = options.stream ?? process.stderr;
  return (event) => {
    const note = `${event.filesDone}/${event.filesTotal} files  ${formatBytes(event.bytesDone)}/${formatBytes(event.bytesTotal)}`;
    const fraction = event.bytesTotal
      ? event.bytesDone / event.bytesTotal
      : event.filesTotal
        ? event.filesDone / event.filesTotal
        : 0;
    if (event.type === 'FILE_FAILED' || event.type === 'FILE_CONFLICT')
      stream.write(
        `${event.type === 'FILE_FAILED' ? 'failed' : 'conflict'}: ${event.path}${event.message ? ` (${event.message})` : ''}\n`,
      );
    if (event.type === 'SUCCEEDED' || event.type === 'FAILED' || event.type === 'CANCELLED')
      bar.done(`${note}${event.type === 'SUCCEEDED' ? '' : `  ${event.type.toLowerCase()}`}`);
    else bar.update(fraction, note);
  };
}

/**
 * Passes a workflow run's events through, drawing one progress bar per step as it runs (its
 * progress and message), and a line for retries, failures and the run's end.
 */
export async function* withStepBars(
  events: AsyncIterable<WorkflowEvent>,
  options: ProgressBarOptions & { label?: string } = {},
): AsyncGenerator<WorkflowEvent, void, undefined> {
  const stream = options.stream ?? process.stderr;
  const width = options.width ?? 24;
  const bars = new Map<string, ReturnType<typeof progressBar>>();
  const label = (step: string) => `${options.label ? `${options.label} ` : ''}${step}`.padEnd(24);
  const barOf = (step: string) => {
    let bar = bars.get(step);
    if (!bar) {
      bar = progressBar(label(step), { stream, width });
      bars.set(step, bar);
    }
    return bar;
  };
  for await (const event of events) {
    const step = event.stepId ?? '';
    switch (event.type) {
      case 'STEP_STARTED':
        barOf(step).update(0, event.attempt && event.attempt > 1 ? `attempt ${event.attempt}` : 'started');
        break;
      case 'STEP_PROGRESS':
        barOf(step).update(event.progress ?? 0, event.message ?? undefined);
        break;
      case 'STEP_COMPLETED':
        barOf(step).done('done');
        break;
      case 'STEP_RETRYING':
      case 'STEP_FAILED':
      case 'STEP_CANCELLED':
        stream.write(
          `${label(step)} ${event.type.slice(5).toLowerCase()}${event.message ? `: ${event.message}` : ''}\n`,
        );
        break;
      case 'RUN_COMPLETED':
      case 'RUN_FAILED':
      case 'RUN_CANCELLED':
      case 'RUN_TERMINATED':
      case 'RUN_TIMED_OUT':
        stream.write(
          `${options.label ? `${options.label} ` : ''}run ${event.type.slice(4).toLowerCase().replace('_', ' ')}${event.message ? `: ${event.message}` : ''}\n`,
        );
        break;
    }
    yield event;
  }
}
