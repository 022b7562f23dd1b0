import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  type ActivityContext,
  type JarvisClientOptions,
  TSAIComponent,
  transferBar,
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
  video: string;
  result: string;
  highlights: { startFrame: number; endFrame: number; startSeconds: number; peakSpeed: number }[];
  exported: string[];
}

/**
 * TSAI Spotlight: finds the shots in a hockey clip. The clip is stored as a MEDIA artifact, the
 * "spotlight-video-analysis" pipeline tracks the puck frame by frame and writes a REPORT artifact
 * derived from the clip, and the report is exported to the user's drive.
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

  /** Stores the clip, runs the analysis, exports the report into `exportFolder` (the local-folder drive). */
  async analyzeHockeyVideo(videoPath: string, exportFolder: string): Promise<Analysis> {
    const video = await this.storeArtifact(videoPath, {
      name: `spotlight/clips/${basename(videoPath)}`,
      kind: 'MEDIA',
      contentType: 'video/x-yuv4mpeg',
      onProgress: transferBar('spotlight upload'.padEnd(24)),
    });
    const run = await this.startWorkflow(
      PIPELINE,
      { video: video.id, clip: basename(videoPath) },
      { idempotencyKey: `spotlight:${video.id}` },
    );
    let output: { result: string; highlights: Analysis['highlights'] } | undefined;
    for await (const event of withStepBars(this.watchWorkflow(run.id), { label: 'spotlight' })) {
      if (event.type === 'RUN_COMPLETED') output = event.run.result as typeof output;
      else if (event.type.startsWith('RUN_') && event.type !== 'RUN_STARTED')
        throw new Error(`analysis ${run.id} ended ${event.type}: ${event.run.error?.message ?? ''}`);
    }
    const exported = await this.exportResults([output!.result], { folder: exportFolder });
    return { video: video.id, result: output!.result, highlights: output!.highlights, exported };
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
