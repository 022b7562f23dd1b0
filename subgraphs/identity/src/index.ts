export { IdentityService, type OidcIdentity } from './service.ts';
export type { IdentityStore } from './store/identityStore.ts';
export { identityMigrations } from './store/migrations.ts';
export { sqlIdentityStore } from './store/sqlIdentityStore.ts';
export { subgraph } from './subgraph.ts';
