// Spotlight: `node spotlight/main.ts <clip.y4m> [export folder]` stores the clip, finds the shots
// and exports the report (default folder ./spotlight-results). JARVIS_URL, JARVIS_API_KEY.
import { resolve } from 'node:path';
import { optionsFromEnv } from '@jarvis/sdk';
import { SpotlightComponent } from './spotlightComponent.ts';

const [video, folder = 'spotlight-results'] = process.argv.slice(2);
if (!video) {
  console.error(
    'usage: node spotlight/main.ts <clip.y4m> [export folder]   (make one: node spotlight/makeSampleVideo.ts sample.y4m)',
  );
  process.exit(2);
}
const spotlight = new SpotlightComponent(optionsFromEnv());
try {
  await spotlight.start();
  const analysis = await spotlight.analyzeHockeyVideo(resolve(video), resolve(folder));
  for (const shot of analysis.highlights)
    console.log(
      `shot at ${shot.startSeconds}s (frames ${shot.startFrame}-${shot.endFrame}, ${shot.peakSpeed} px/frame)`,
    );
  console.log(`report ${analysis.result} exported to ${analysis.exported.join(', ')}`);
} finally {
  await spotlight.close();
}
