import { ErrorCode, type JarvisError } from '@jarvis/errors';
import { jsonResponse } from '../jsonResponse.ts';

/**
 * A request naming a document that is not registered (404) or sending one a trusted-only router
 * does not take (403): the same answer on /graphql and /graphql/stream.
 */
export const documentErrorResponse = (error: JarvisError) =>
  jsonResponse(
    { errors: [{ message: error.message, extensions: error.extensions }] },
    error.code === ErrorCode.NOT_FOUND ? 404 : 403,
  );
