export { webhookSignature } from './channels/webhookSender.ts';
export { createSubgraph, typeDefs } from './createSubgraph.ts';
