export type HealthKind = 'SERVICE' | 'BACKEND';
export type HealthStatus = 'UP' | 'DOWN';

export interface HealthCheck {
  name: string;
  kind: HealthKind;
  /** Resolves (optionally with a detail such as a version) when healthy; throws when not. */
  check(): Promise<unknown>;
}

export interface HealthResult {
  name: string;
  kind: HealthKind;
  status: HealthStatus;
  latencyMs: number;
  message: string | null;
  checkedAt: Date;
}

/**
 * Every subgraph and backend registers how to check it; `/ready`, the `health` query and
 * `jarvis doctor` all read the same registry, so they cannot disagree.
 */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(check: HealthCheck): void {
    this.checks.set(check.name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async checkAll(timeoutMs = 2_000): Promise<HealthResult[]> {
    return Promise.all([...this.checks.values()].map((c) => runCheck(c, timeoutMs)));
  }

  async checkOne(name: string, timeoutMs = 2_000): Promise<HealthResult | undefined> {
    const check = this.checks.get(name);
    return check ? runCheck(check, timeoutMs) : undefined;
  }
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<HealthResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return result(check, 'UP', started, typeof detail === 'string' ? detail : null);
  } catch (error) {
    return result(check, 'DOWN', started, error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}

function result(
  check: HealthCheck,
  status: HealthStatus,
  started: number,
  message: string | null,
): HealthResult {
  return {
    name: check.name,
    kind: check.kind,
    status,
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
    message,
    checkedAt: new Date(),
  };
}
