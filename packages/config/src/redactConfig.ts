const SECRET_KEY = /(secret|password|passwd|token|private_key|api_key|credentials)/i;
export const REDACTED = '[redacted]';

/** Returns a copy safe to print or serve: secret-named keys and URL passwords are replaced. */
export function redactConfig<T>(value: T): T {
  return redact(value, undefined) as T;
}

function redact(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    if (key && SECRET_KEY.test(key)) return REDACTED;
    return redactUrlPassword(value);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, undefined));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

function redactUrlPassword(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (!url.password) return text;
    url.password = 'redacted';
    return url.toString().replace(':redacted@', `:${REDACTED}@`);
  } catch {
    return text;
  }
}
