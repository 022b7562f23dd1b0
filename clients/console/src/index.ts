export { type ConsoleSignIn, type ConsoleSite, consoleSite } from './consoleSite.ts';

/** The console's operations by sha256, for the router to register as trusted documents. */
export const consoleManifest = new URL('./generated/persisted-documents.json', import.meta.url).pathname;
