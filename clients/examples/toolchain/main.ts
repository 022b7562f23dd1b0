// Toolchain: two training trials of the hockey player-role detector, then the best one becomes
// the registered model's champion. JARVIS_URL (default http://127.0.0.1:4000) and JARVIS_API_KEY.
import { optionsFromEnv } from '@jarvis/sdk';
import { ToolchainComponent } from './toolchainComponent.ts';

const toolchain = new ToolchainComponent(optionsFromEnv());
try {
  await toolchain.start();
  const trials = [
    { clips: 4, parameters: { lr: 0.02, epochs: 12 } },
    { clips: 4, parameters: { lr: 0.003, epochs: 12 } },
  ];
  const results = [];
  for (const trial of trials) results.push(await toolchain.runHockeyDetectionPipeline(trial));
  const comparison = await toolchain.compareRuns(results.map((r) => r.experimentRunId));
  for (const metric of comparison.metrics.filter((m) => m.key === 'test_mAP'))
    console.log(`test_mAP by trial: ${metric.values.map((v) => v?.toFixed(3)).join(' vs ')}`);
  const champion = await toolchain.registerBestModel();
  console.log(
    `champion: ${champion.name} v${champion.version} (test mAP ${champion.mAP.toFixed(3)}, run ${champion.runId})`,
  );
} finally {
  await toolchain.close();
}
