export { createLogger, type Logger, type LoggerOptions } from './createLogger.ts';
export { ANONYMOUS_PRINCIPAL, LOCAL_PRINCIPAL, type Principal, type Role } from './principal.ts';
export {
  createRequestContext,
  currentContext,
  type RequestContext,
  requestIdFrom,
  runWithContext,
} from './requestContext.ts';
