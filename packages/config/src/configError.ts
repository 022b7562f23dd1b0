export interface ConfigIssue {
  /** Dotted key path inside the file, e.g. `services.storage.type`. */
  path: string;
  message: string;
}

/** Stops start-up: names the file, every bad key path and what was expected there. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  readonly source: string;

  constructor(source: string, issues: ConfigIssue[]) {
    super(
      `Invalid configuration in ${source}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.issues = issues;
    this.source = source;
  }
}
