export { validateDefinition, type WorkflowDefinitionInput } from './definition/validateDefinition.ts';
export type { RetryPolicy, StepDefinition, WorkflowDefinition } from './definition/workflowDefinition.ts';
export type { WorkflowEngine } from './engine/workflowEngine.ts';
export type { RunEvent, RunRecord, RunStatus, StepRunRecord } from './records.ts';
export { WorkflowsService } from './service.ts';
export { workflowsMigrations } from './store/migrations.ts';
export { inProcessConnection, subgraph, workflowsServiceOf } from './subgraph.ts';
export { entityQueries, runEventTopic, runsTopic, subscriptionFields } from './subscriptions.ts';
