export { ACCESS_DIRECTIVE, type AccessRules, accessRulesOf, requirementOf } from './accessRules.ts';
export {
  API_KEY_PREFIX,
  apiKeyId,
  apiKeyMatches,
  hashApiKey,
  looksLikeApiKey,
  type NewApiKey,
  newApiKey,
} from './apiKeys.ts';
export { authorizeOperation } from './authorizeOperation.ts';
export { type Credential, credentialsOf } from './credentialsOf.ts';
export { INTERNAL_HEADER, signPrincipal, verifyPrincipal } from './internalCredentials.ts';
export {
  ACTIONS,
  AREAS,
  type Decision,
  decide,
  isScope,
  type Requirement,
  ROUTER_PRINCIPAL,
  roleCovers,
} from './scopes.ts';
