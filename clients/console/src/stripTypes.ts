import { stripTypeScriptTypes } from 'node:module';

/**
 * TypeScript to the JavaScript a browser runs, by Node's own type stripper: types become
 * spaces, so lines and columns in the browser's devtools are the source's. Trailing blanks are
 * dropped to spare the wire. Node flags the API as experimental once per process; that notice
 * is about Node's API, not the user's setup, so it is kept out of their log.
 */
export function stripTypes(source: string): string {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('stripTypeScriptTypes')) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' }).replace(/[ \t]+$/gm, '');
  } finally {
    process.emitWarning = emit;
  }
}
