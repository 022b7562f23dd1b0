import { badUserInput } from '@jarvis/errors';
import { readBody } from './readBody.ts';

/**
 * An MLflow request's parameters: the query string for GET (the Python client sends lists as
 * repeated parameters), the JSON body otherwise. Getters reject with MLflow's wording.
 */
export class MlflowParams {
  private readonly values: Record<string, unknown>;
  private readonly sent: Record<string, unknown>;

  /** `sent`: the parameters as the client sent them, before the path's were laid over. */
  constructor(values: Record<string, unknown>, sent: Record<string, unknown> = values) {
    this.values = values;
    this.sent = sent;
  }

  /** Every parameter; `asSent`: as the client sent them (to forward the request unchanged). */
  toJSON(asSent = false): Record<string, unknown> {
    return { ...(asSent ? this.sent : this.values) };
  }

  /** `maxBodyBytes`: server.max_api_body_bytes; a longer body is refused as it arrives. */
  static async of(
    request: Request,
    maxBodyBytes: number,
    pathParams: Record<string, string> = {},
  ): Promise<MlflowParams> {
    const url = new URL(request.url);
    const values: Record<string, unknown> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      values[key] = all.length > 1 ? all : all[0];
    }
    if (request.method !== 'GET') {
      const text = await readBody(request, maxBodyBytes, 'server.max_api_body_bytes');
      if (text.trim()) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw badUserInput('the request body is not JSON');
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw badUserInput('the request body must be a JSON object');
        Object.assign(values, body);
      }
    }
    // The path names the thing; a body that names another does not change which.
    return new MlflowParams({ ...values, ...pathParams }, values);
  }

  has(key: string): boolean {
    return this.values[key] !== undefined && this.values[key] !== null;
  }

  /** `at`: where this object sits in the request, e.g. `metrics[0].`, for the error. */
  string(key: string, at = ''): string {
    const value = this.optionalString(key);
    if (value === undefined || value === '')
      throw badUserInput(
        `Missing value for required parameter '${at}${key}'. See the API docs for more information about request parameters.`,
      );
    return value;
  }

  /** A nested object; `{}` when absent. */
  object(key: string): Record<string, unknown> {
    const value = this.values[key];
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value))
      throw badUserInput(`Invalid value for parameter '${key}': expected an object.`);
    return value as Record<string, unknown>;
  }

  optionalString(key: string): string | undefined {
    const value = this.values[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    throw badUserInput(
      `Invalid value ${JSON.stringify(value)} for parameter '${key}' supplied: Hint: Value was of type '${typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : Array.isArray(value) ? 'list' : typeof value}'. See the API docs for more information about request parameters.`,
    );
  }

  /** Integers arrive as numbers in JSON and as strings in query strings. */
  optionalInteger(key: string): number | undefined {
    const value = this.values[key];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n))
      throw badUserInput(
        `Invalid value ${JSON.stringify(value)} for parameter '${key}': expected an integer.`,
      );
    return n;
  }

  integer(key: string, at = ''): number {
    const value = this.optionalInteger(key);
    if (value === undefined)
      throw badUserInput(
        `Missing value for required parameter '${at}${key}'. See the API docs for more information about request parameters.`,
      );
    return value;
  }

  /** Doubles, with protobuf JSON's "NaN", "Infinity" and "-Infinity" strings. */
  double(key: string, at = ''): number {
    const value = this.values[key];
    if (value === undefined || value === null)
      throw badUserInput(
        `Missing value for required parameter '${at}${key}'. See the API docs for more information about request parameters.`,
      );
    return toDouble(value, key);
  }

  strings(key: string): string[] {
    const value = this.values[key];
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v) => typeof v === 'string' || typeof v === 'number'))
      throw badUserInput(`Invalid value for parameter '${key}': expected a list of strings.`);
    return list.map(String);
  }

  /** A list of objects (tags, metrics, params); each checked by the caller. */
  objects(key: string): Record<string, unknown>[] {
    const value = this.values[key];
    if (value === undefined || value === null) return [];
    if (
      !Array.isArray(value) ||
      !value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
    )
      throw badUserInput(`Invalid value for parameter '${key}': expected a list of objects.`);
    return value as Record<string, unknown>[];
  }

  keyValues(key: string): { key: string; value: string }[] {
    return this.objects(key).map((item) => {
      const p = new MlflowParams(item);
      return { key: p.string('key'), value: p.optionalString('value') ?? '' };
    });
  }
}

export function toDouble(value: unknown, key: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw badUserInput(`Invalid value ${JSON.stringify(value)} for parameter '${key}': expected a number.`);
}
