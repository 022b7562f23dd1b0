import { type ActivityContext, type JarvisClientOptions, TSAIComponent, withStepBars } from '@jarvis/sdk';

export const PIPELINE = 'autonomous-hockey-analysis';
export const EXPERIMENT = 'autopilot-adaptations';
const TASK_QUEUE = 'autopilot';
/** Below this reported performance the autopilot adapts its parameters and restarts. */
export const PERFORMANCE_FLOOR = 0.8;

export interface AnalysisParameters {
  /** Detection confidence threshold. */
  threshold: number;
  /** Frames smoothed together. */
  window: number;
}

export interface AutopilotOutcome {
  workflowRunId: string;
  experimentRunId: string;
  parameters: AnalysisParameters;
  performance: number;
  adaptations: number;
}

/**
 * TSAI Autopilot: runs the autonomous analysis and watches its `evaluate` step. When the step
 * reports a performance below 0.8 it cancels the run, adapts the parameters and starts again,
 * logging each adaptation (and the performance that caused it) as metrics of its experiment run.
 */
export class AutopilotComponent extends TSAIComponent {
  constructor(options: JarvisClientOptions) {
    super('autopilot', options);
  }

  async start(): Promise<void> {
    await this.registerWorkflow({
      name: PIPELINE,
      description: 'Perceive the game, evaluate the perception, act on it',
      taskQueue: TASK_QUEUE,
      inputSchema: {
        type: 'object',
        required: ['threshold', 'window'],
        properties: { threshold: { type: 'number' }, window: { type: 'integer', minimum: 1 } },
      },
      steps: [
        { id: 'perceive', activity: 'perceive', input: { window: '$input.window' } },
        {
          id: 'evaluate',
          activity: 'evaluate',
          input: {
            threshold: '$input.threshold',
            window: '$input.window',
            detections: '$steps.perceive.output.detections',
          },
        },
        { id: 'act', activity: 'act', input: { performance: '$steps.evaluate.output.performance' } },
      ],
      output: { performance: '$steps.evaluate.output.performance', actions: '$steps.act.output.actions' },
    });
    await this.createWorker(
      {
        perceive: (input: { window: number }, ctx: ActivityContext) => this.#perceive(input, ctx),
        evaluate: (input: AnalysisParameters & { detections: number }, ctx: ActivityContext) =>
          this.#evaluate(input, ctx),
        act: (input: { performance: number }, ctx: ActivityContext) => this.#act(input, ctx),
      },
      { taskQueue: TASK_QUEUE },
    );
  }

  /** Runs until a run completes at or above the floor (or `maxAdaptations` is spent). */
  async autonomousHockeyAnalysis(initial: AnalysisParameters, maxAdaptations = 6): Promise<AutopilotOutcome> {
    const run = await this.startExperiment(EXPERIMENT, {
      initial_threshold: initial.threshold,
      initial_window: initial.window,
    });
    let parameters = initial;
    try {
      for (let adaptations = 0; ; adaptations++) {
        const workflow = await this.startWorkflow(PIPELINE, parameters, { run });
        process.stderr.write(
          `autopilot: attempt ${adaptations + 1}, threshold ${parameters.threshold}, window ${parameters.window}\n`,
        );
        let performance: number | undefined;
        let adapted = false;
        for await (const event of withStepBars(this.watchWorkflow(workflow.id), { label: 'autopilot' })) {
          if (event.type === 'STEP_COMPLETED' && event.stepId === 'evaluate') {
            performance = (event.data as { output: { performance: number } }).output.performance;
            run.logMetrics({ performance }, adaptations);
            if (performance < PERFORMANCE_FLOOR) {
              if (adaptations >= maxAdaptations)
                throw new Error(
                  `performance ${performance} still below ${PERFORMANCE_FLOOR} after ${maxAdaptations} adaptations`,
                );
              process.stderr.write(
                `autopilot: performance ${performance.toFixed(3)} < ${PERFORMANCE_FLOOR}, adapting\n`,
              );
              await this.cancelWorkflow(workflow.id);
              parameters = adapt(parameters);
              run.logMetrics({ autonomous_adaptation: adaptations + 1 }, adaptations + 1);
              adapted = true;
            }
          }
          if (
            event.type === 'RUN_FAILED' ||
            event.type === 'RUN_TIMED_OUT' ||
            event.type === 'RUN_TERMINATED'
          )
            throw new Error(`analysis ${workflow.id} ended ${event.type}: ${event.run.error?.message ?? ''}`);
        }
        if (adapted) continue;
        await run.logParams({ final_threshold: parameters.threshold, final_window: parameters.window });
        await run.end('FINISHED');
        return {
          workflowRunId: workflow.id,
          experimentRunId: run.id,
          parameters,
          performance: performance!,
          adaptations,
        };
      }
    } catch (error) {
      await run.end('FAILED').catch(() => {});
      throw error;
    }
  }

  async #perceive(input: { window: number }, ctx: ActivityContext) {
    for (let frame = 1; frame <= 5; frame++) {
      ctx.signal.throwIfAborted();
      await sleep(20);
      await ctx.progress(frame / 5, `frame batch ${frame}/5`);
    }
    return { detections: 120 + input.window * 4 };
  }

  /**
   * Stands in for scoring detections against ground truth: precision falls off as the threshold
   * moves from its sweet spot (0.45) and a wider window smooths out noise.
   */
  async #evaluate(input: AnalysisParameters & { detections: number }, ctx: ActivityContext) {
    const performance = Number(
      (0.95 - 1.1 * Math.abs(input.threshold - 0.45) - 0.04 * Math.max(0, 4 - input.window)).toFixed(3),
    );
    await ctx.progress(1, `performance ${performance.toFixed(3)} on ${input.detections} detections`);
    return { performance };
  }

  async #act(input: { performance: number }, ctx: ActivityContext) {
    // Slow on purpose: a cancelled run is stopped here, mid-step.
    for (let tick = 1; tick <= 10; tick++) {
      ctx.signal.throwIfAborted();
      await sleep(60);
      await ctx.progress(tick / 10, `acting (${tick}/10)`);
    }
    return { actions: Math.round(input.performance * 10) };
  }
}

/** Moves the threshold half way to the sweet spot guess and widens the window. */
function adapt(parameters: AnalysisParameters): AnalysisParameters {
  return {
    threshold: Number((parameters.threshold - (parameters.threshold - 0.5) / 2).toFixed(3)),
    window: Math.min(parameters.window + 1, 6),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
