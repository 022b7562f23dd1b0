import { fileURLToPath } from 'node:url';
import { SUPERGRAPH_FILE, writeCommittedSupergraph } from '../committedSupergraph.ts';

const sdl = writeCommittedSupergraph();
console.log(`wrote ${fileURLToPath(SUPERGRAPH_FILE)} (${sdl.length} bytes)`);
