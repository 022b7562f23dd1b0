export { backoffDelay } from './backoff.ts';
export { type Job, JobRunner, type JobStatus } from './jobRunner.ts';
export { jobsMigrations } from './jobsMigrations.ts';
