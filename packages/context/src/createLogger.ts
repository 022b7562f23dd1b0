import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
}

/** Structured JSON logs; secrets that might sneak into objects are censored by key. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      redact: {
        paths: [
          'password',
          'secret_key',
          'token',
          'authorization',
          '*.password',
          '*.secret_key',
          '*.token',
          '*.authorization',
        ],
        censor: '[redacted]',
      },
    },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
}
