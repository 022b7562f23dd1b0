// Autopilot: `node autopilot/main.ts [threshold] [window]` runs the autonomous analysis, adapting
// its parameters while the evaluation scores below 0.8. JARVIS_URL, JARVIS_API_KEY.
import { optionsFromEnv } from '@jarvis/sdk';
import { AutopilotComponent } from './autopilotComponent.ts';

const threshold = Number(process.argv[2] ?? 0.9);
const window = Number(process.argv[3] ?? 1);
const autopilot = new AutopilotComponent(optionsFromEnv());
try {
  await autopilot.start();
  const outcome = await autopilot.autonomousHockeyAnalysis({ threshold, window });
  console.log(
    `settled after ${outcome.adaptations} adaptation(s): threshold ${outcome.parameters.threshold}, window ${outcome.parameters.window}, performance ${outcome.performance} (run ${outcome.experimentRunId})`,
  );
} finally {
  await autopilot.close();
}
