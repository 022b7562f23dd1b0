export { ErrorCode } from './errorCodes.ts';
export { asValidationError, formatError } from './formatError.ts';
export { backendUnavailable, badUserInput, conflict, JarvisError, notFound } from './jarvisError.ts';
