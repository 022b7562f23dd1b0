export { standardSignature, webhookKey, webhookSignature } from './channels/webhookSender.ts';
export { subgraph } from './subgraph.ts';
