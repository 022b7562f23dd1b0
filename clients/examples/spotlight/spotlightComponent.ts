import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  type ActivityContext,
  type Artifact,
  driveTransferBar,
  type JarvisClientOptions,
  TSAIComponent,
  withStepBars,
} from '@jarvis/sdk';
import { readY4m } from './y4mVideo.ts';

export const PIPELINE = 'spotlight-video-analysis';
const TASK_QUEUE = 'spotlight';
/** Pixels darker than this are puck (the ice is near white). */
const PUCK_LUMA = 80;
/** Faster than this (pixels per frame) is a shot. */
const SHOT_SPEED = 5;

interface ReportInput {
  video: string;
  clip: string;
  fps: number;
  track: TrackPoint[];
}

interface TrackPoint {
  frame: number;
  x: number;
  y: number;
}

export interface Analysis {
  /** The clip's path on the drive. */
  clip: string;
  video: string;
  result: string;
  highlights: { startFrame: number; endFrame: number; startSeconds: number; peakSpeed: number }[];
}

export interface DriveAnalysis {
  analyses: Analysis[];
  /** Where the reports went on the drive. */
  exported: string[];
  /** The shared folder's link, when asked to share. */
  shareUrl?: string;
}

/**
 * TSAI Spotlight: finds the shots in hockey clips. The clips come in from the user's drive as
 * MEDIA artifacts, the "spotlight-video-analysis" pipeline tracks the puck frame by frame and
 * writes a REPORT artifact derived from each clip, and the reports go back to the drive, into a
 * folder shared with the coach when asked.
 */
export class SpotlightComponent extends TSAIComponent {
  constructor(options: JarvisClientOptions) {
    super('spotlight', options);
  }

  async start(): Promise<void> {
    await this.registerWorkflow({
      name: PIPELINE,
      description: 'Track the puck through a clip, then report the shots',
      taskQueue: TASK_QUEUE,
      inputSchema: {
        type: 'object',
        required: ['video', 'clip'],
        properties: { video: { type: 'string' }, clip: { type: 'string' } },
      },
      steps: [
        { id: 'track', activity: 'trackPuck', input: { video: '$input.video' }, heartbeatTimeoutMs: 30_000 },
        {
          id: 'report',
          activity: 'writeReport',
          input: {
            video: '$input.video',
            clip: '$input.clip',
            fps: '$steps.track.output.fps',
            track: '$steps.track.output.track',
          },
        },
      ],
      output: { result: '$steps.report.output.result', highlights: '$steps.report.output.highlights' },
    });
    await this.createWorker(
      {
        trackPuck: (input: { video: string }, ctx: ActivityContext) => this.#trackPuck(input, ctx),
        writeReport: (input: ReportInput, ctx: ActivityContext) => this.#writeReport(input, ctx),
      },
      { taskQueue: TASK_QUEUE },
    );
  }

  /**
   * The seed's flow: imports the clips under `folder` of the user's drive, analyses each, and
   * exports the reports to `<folder>/spotlight`, shared as `share` says.
   */
  async analyzeDriveFolder(
    drive: string,
    folder: string,
    options: { share?: { with?: string[]; anyoneWithLink?: boolean } } = {},
  ): Promise<DriveAnalysis> {
    const clips = await this.importUserMedia(drive, folder, {
      types: ['video'],
      prefix: 'spotlight/clips',
      onProgress: driveTransferBar('spotlight import'.padEnd(24)),
    });
    const analyses: Analysis[] = [];
    for (const clip of clips) analyses.push(await this.analyzeHockeyVideo(clip));
    const { files, shareUrl } = await this.exportResults(
      analyses.map((a) => a.result),
      drive,
      {
        folder: `${folder}/spotlight`,
        onProgress: driveTransferBar('spotlight export'.padEnd(24)),
        ...(options.share ? { share: options.share } : {}),
      },
    );
    return { analyses, exported: files.map((f) => f.path), ...(shareUrl ? { shareUrl } : {}) };
  }

  /** Runs the analysis pipeline on a stored clip; the report is a REPORT artifact derived from it. */
  async analyzeHockeyVideo(video: Artifact): Promise<Analysis> {
    const clip = basename(video.name);
    const run = await this.startWorkflow(
      PIPELINE,
      { video: video.id, clip },
      { idempotencyKey: `spotlight:${video.id}` },
    );
    let output: { result: string; highlights: Analysis['highlights'] } | undefined;
    for await (const event of withStepBars(this.watchWorkflow(run.id), { label: 'spotlight' })) {
      if (event.type === 'RUN_COMPLETED') output = event.run.result as typeof output;
      else if (event.type.startsWith('RUN_') && event.type !== 'RUN_STARTED')
        throw new Error(`analysis ${run.id} ended ${event.type}: ${event.run.error?.message ?? ''}`);
    }
    const source = (video.metadata as { path?: string } | null)?.path ?? video.name;
    return { clip: source, video: video.id, result: output!.result, highlights: output!.highlights };
  }

  async #trackPuck(input: { video: string }, ctx: ActivityContext) {
    const dir = await mkdtemp(join(tmpdir(), 'spotlight-'));
    try {
      const path = await this.retrieveArtifact(input.video, join(dir, 'clip.y4m'));
      const clip = await readY4m(path);
      const track: TrackPoint[] = [];
      for (const [index, luma] of clip.frames.entries()) {
        ctx.signal.throwIfAborted();
        let sumX = 0;
        let sumY = 0;
        let n = 0;
        for (let i = 0; i < luma.length; i++) {
          if (luma[i]! < PUCK_LUMA) {
            sumX += i % clip.width;
            sumY += Math.floor(i / clip.width);
            n++;
          }
        }
        if (n) track.push({ frame: index, x: sumX / n, y: sumY / n });
        if (index % 15 === 14 || index === clip.frames.length - 1)
          await ctx.progress((index + 1) / clip.frames.length, `frame ${index + 1}/${clip.frames.length}`);
      }
      return { fps: clip.fps, frames: clip.frames.length, track };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #writeReport(input: ReportInput, ctx: ActivityContext) {
    const highlights: Analysis['highlights'] = [];
    for (let i = 1; i < input.track.length; i++) {
      const [a, b] = [input.track[i - 1]!, input.track[i]!];
      const speed = Math.hypot(b.x - a.x, b.y - a.y) / (b.frame - a.frame);
      const last = highlights.at(-1);
      if (speed <= SHOT_SPEED) continue;
      if (last && last.endFrame === a.frame) {
        last.endFrame = b.frame;
        last.peakSpeed = Math.max(last.peakSpeed, Number(speed.toFixed(2)));
      } else {
        highlights.push({
          startFrame: a.frame,
          endFrame: b.frame,
          startSeconds: Number((a.frame / input.fps).toFixed(2)),
          peakSpeed: Number(speed.toFixed(2)),
        });
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'spotlight-report-'));
    try {
      const file = join(dir, 'analysis.json');
      await writeFile(
        file,
        JSON.stringify({ video: input.video, fps: input.fps, highlights, track: input.track }, null, 2),
      );
      const report = await this.storeArtifact(file, {
        name: `spotlight/reports/${input.clip.replace(/\.[^.]*$/, '')}.analysis.json`,
        kind: 'REPORT',
        contentType: 'application/json',
        derivedFrom: [input.video],
        workflowRunId: ctx.runId,
        metadata: { shots: highlights.length },
      });
      await ctx.progress(1, `${highlights.length} shot(s) found`);
      return { result: report.id, highlights };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
