/**
 * Field-by-field comparison of one MLflow REST answer from MLflow's own server and from Jarvis:
 * status, `error_code`, and the response's shape and values, with what differs between any two
 * servers by nature (ids, timestamps, URIs with ids in them) compared by type only.
 */
export interface Answer {
  status: number;
  body: unknown;
}

/** Keys whose values are ids, times or locations: each server makes its own. */
const OWN_VALUE =
  /(^|_)(id|ids|uuid|time|timestamp|time_ms|timestamp_ms|millis|location|uri|uri_prefix|source|request_id|page_token|digest|token|url)$|^(user_id|creation_timestamp|last_updated_timestamp|start_time|end_time|request_time|execution_duration|timestamp_ms|artifact_uri|root_uri|run_name|assessment_id)$|artifactLocation$/;

/**
 * Error messages differ in wording; their codes must not. `sqlstate` is the Databricks SQL
 * state MLflow stamps on every error ("KAM00"), which no client reads.
 */
const IGNORED = new Set(['message', 'stack_trace', 'details', 'sqlstate']);

export function compareAnswers(mlflow: Answer, jarvis: Answer): string[] {
  const out: string[] = [];
  if (mlflow.status !== jarvis.status) out.push(`status: mlflow ${mlflow.status}, jarvis ${jarvis.status}`);
  compare(mlflow.body, jarvis.body, '$', out, false);
  return out;
}

/** Tags, params and latest metrics are sets keyed by `key`; their order means nothing. */
function byKey(items: unknown[]): unknown[] {
  const keys = items.map((item) => (kind(item) === 'object' ? (item as { key?: unknown }).key : undefined));
  if (!keys.every((key) => typeof key === 'string') || new Set(keys).size !== keys.length) return items;
  return [...items].sort((x, y) =>
    String((x as { key: string }).key).localeCompare(String((y as { key: string }).key)),
  );
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function compare(a: unknown, b: unknown, path: string, out: string[], ownValue: boolean): void {
  if (kind(a) !== kind(b)) {
    out.push(`${path}: mlflow ${JSON.stringify(a)}, jarvis ${JSON.stringify(b)}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const [x, y] = [byKey(a), byKey(b)];
    if (x.length !== y.length) {
      out.push(`${path}: mlflow has ${x.length} items, jarvis ${y.length}`);
      return;
    }
    x.forEach((item, i) => {
      compare(item, y[i], `${path}[${i}]`, out, ownValue);
    });
    return;
  }
  if (kind(a) === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (IGNORED.has(key)) continue;
      const at = `${path}.${key}`;
      if (!(key in x)) out.push(`${at}: only jarvis has it (${JSON.stringify(y[key])})`);
      else if (!(key in y)) out.push(`${at}: only mlflow has it (${JSON.stringify(x[key])})`);
      else compare(x[key], y[key], at, out, ownValue || OWN_VALUE.test(key));
    }
    return;
  }
  if (!ownValue && a !== b) out.push(`${path}: mlflow ${JSON.stringify(a)}, jarvis ${JSON.stringify(b)}`);
}
