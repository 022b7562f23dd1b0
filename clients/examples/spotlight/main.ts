// Spotlight: `node spotlight/main.ts <drive> <folder> [--share-link] [--share-with a@b.com,…]`
// imports the clips under <folder> of your drive, finds the shots, and exports the reports to
// <folder>/spotlight (shared when asked). JARVIS_URL, JARVIS_API_KEY.
import { parseArgs } from 'node:util';
import { optionsFromEnv } from '@jarvis/sdk';
import { SpotlightComponent } from './spotlightComponent.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'share-link': { type: 'boolean' }, 'share-with': { type: 'string' } },
});
const [drive, folder] = positionals;
if (!drive || !folder) {
  console.error(
    'usage: node spotlight/main.ts <drive name> <folder> [--share-link] [--share-with a@b.com,…]   (the clips are the videos under <folder>; make one: node spotlight/makeSampleVideo.ts sample.y4m)',
  );
  process.exit(2);
}
const shareWith = values['share-with']
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const share =
  values['share-link'] || shareWith?.length
    ? { anyoneWithLink: Boolean(values['share-link']), ...(shareWith?.length ? { with: shareWith } : {}) }
    : undefined;
const spotlight = new SpotlightComponent(optionsFromEnv());
try {
  await spotlight.start();
  const result = await spotlight.analyzeDriveFolder(drive, folder, share ? { share } : {});
  for (const analysis of result.analyses)
    for (const shot of analysis.highlights)
      console.log(
        `${analysis.clip}: shot at ${shot.startSeconds}s (frames ${shot.startFrame}-${shot.endFrame}, ${shot.peakSpeed} px/frame)`,
      );
  console.log(`reports exported to ${drive}: ${result.exported.join(', ')}`);
  if (result.shareUrl) console.log(`shared: ${result.shareUrl}`);
} finally {
  await spotlight.close();
}
