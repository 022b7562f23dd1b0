import { type OtlpSpan, plainValue } from './otlpSpans.ts';

/**
 * A span's attributes as plain values. MLflow's client sends each attribute JSON-encoded in a
 * string (`"UNKNOWN"`, `{"question": "…"}`); those are decoded, other strings kept as they are.
 */
export function spanAttributes(span: OtlpSpan): Record<string, unknown> {
  return Object.fromEntries(
    span.attributes.map(({ key, value }) => {
      const plain = plainValue(value);
      if (typeof plain !== 'string') return [key, plain];
      try {
        return [key, JSON.parse(plain)];
      } catch {
        return [key, plain];
      }
    }),
  );
}
