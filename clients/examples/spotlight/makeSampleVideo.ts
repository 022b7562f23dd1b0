// Writes the sample clip Spotlight analyses: `node spotlight/makeSampleVideo.ts sample.y4m`.
import { writeSampleVideo } from './y4mVideo.ts';

const path = process.argv[2] ?? 'sample.y4m';
await writeSampleVideo(path, { frames: Number(process.argv[3] ?? 75) });
console.log(`wrote ${path}`);
