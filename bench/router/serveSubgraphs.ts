import { memoryPubSub } from '@jarvis/pubsub';
import { serveSubgraph } from './standInSubgraphs.ts';
import { type Workload, workloadSubgraphs } from './workloads.ts';

// A workload's subgraphs as one process: serves each and prints their URLs as one JSON line.
const bus = memoryPubSub();
const urls: Record<string, string> = {};
for (const subgraph of workloadSubgraphs((process.argv[2] ?? 'stand-ins') as Workload, bus))
  urls[subgraph.name] = (await serveSubgraph(subgraph, bus)).url;
console.log(JSON.stringify(urls));
process.on('SIGTERM', () => process.exit(0));
