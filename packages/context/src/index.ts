export { createLogger, type Logger, type LoggerOptions } from './createLogger.ts';
export { LOCAL_PRINCIPAL, type Principal } from './principal.ts';
export {
  createRequestContext,
  currentContext,
  type RequestContext,
  requestIdFrom,
  runWithContext,
} from './requestContext.ts';
