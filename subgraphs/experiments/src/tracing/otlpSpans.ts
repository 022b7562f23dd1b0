import { badUserInput } from '@jarvis/errors';

/**
 * OTLP/HTTP trace exports (`ExportTraceServiceRequest`, protobuf or JSON) read into spans in
 * the JSON MLflow's server answers with: snake_case protobuf JSON, ids in base64, nanosecond
 * times as decimal strings (they exceed JSON's exact integers), attribute values as AnyValue.
 * Only the fields traces use are read; unknown fields are skipped, as protobuf readers do.
 */
export type AnyValue =
  | { string_value: string }
  | { bool_value: boolean }
  | { int_value: number | string }
  | { double_value: number }
  | { array_value: { values: AnyValue[] } }
  | { kvlist_value: { values: KeyValue[] } }
  | { bytes_value: string };
export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  kind?: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  attributes: KeyValue[];
  events?: { time_unix_nano: string; name: string; attributes?: KeyValue[] }[];
  status: { code: string; message?: string };
  /** The exporting resource's `service.name`: Jarvis keeps it as the trace's tag, as MLflow does. */
  service_name?: string;
}

const STATUS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];

const invalid = () => badUserInput('Invalid OpenTelemetry format', { argument: 'body' });

/** A protobuf wire-format reader over one message's bytes. */
class Reader {
  pos = 0;
  private readonly buf: Uint8Array;
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  get done() {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw invalid();
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    throw invalid();
  }

  fixed(bytes: 4 | 8): bigint {
    if (this.pos + bytes > this.buf.length) throw invalid();
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, bytes);
    this.pos += bytes;
    return bytes === 8 ? view.getBigUint64(0, true) : BigInt(view.getUint32(0, true));
  }

  bytes(): Uint8Array {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) throw invalid();
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** Each field as (number, wire type); the callback reads its value or the field is skipped. */
  fields(read: (field: number, wire: number) => boolean): void {
    while (!this.done) {
      const tag = Number(this.varint());
      const field = tag >>> 3;
      const wire = tag & 7;
      if (read(field, wire)) continue;
      if (wire === 0) this.varint();
      else if (wire === 1) this.fixed(8);
      else if (wire === 2) this.bytes();
      else if (wire === 5) this.fixed(4);
      else throw invalid();
    }
  }
}

const text = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: false }).decode(bytes);
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const signed = (n: bigint) => BigInt.asIntN(64, n);
const intJson = (n: bigint) =>
  n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : String(n);

function visit(buf: Uint8Array, read: (field: number, wire: number, r: Reader) => boolean) {
  const reader = new Reader(buf);
  reader.fields((field, wire) => read(field, wire, reader));
}

function anyValue(buf: Uint8Array): AnyValue {
  let value: AnyValue = { string_value: '' };
  visit(buf, (field, wire, r) => {
    if (field === 1 && wire === 2) value = { string_value: text(r.bytes()) };
    else if (field === 2 && wire === 0) value = { bool_value: r.varint() !== 0n };
    else if (field === 3 && wire === 0) value = { int_value: intJson(signed(r.varint())) };
    else if (field === 4 && wire === 1) {
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, r.fixed(8), true);
      value = { double_value: view.getFloat64(0, true) };
    } else if (field === 5 && wire === 2) value = { array_value: { values: repeated(r.bytes(), anyValue) } };
    else if (field === 6 && wire === 2) value = { kvlist_value: { values: repeated(r.bytes(), keyValue) } };
    else if (field === 7 && wire === 2) value = { bytes_value: base64(r.bytes()) };
    else return false;
    return true;
  });
  return value;
}

function repeated<T>(buf: Uint8Array, one: (b: Uint8Array) => T): T[] {
  const out: T[] = [];
  visit(buf, (field, wire, r) => {
    if (field !== 1 || wire !== 2) return false;
    out.push(one(r.bytes()));
    return true;
  });
  return out;
}

function keyValue(buf: Uint8Array): KeyValue {
  const kv: KeyValue = { key: '', value: { string_value: '' } };
  visit(buf, (field, wire, r) => {
    if (field === 1 && wire === 2) kv.key = text(r.bytes());
    else if (field === 2 && wire === 2) kv.value = anyValue(r.bytes());
    else return false;
    return true;
  });
  return kv;
}

function span(buf: Uint8Array): OtlpSpan {
  const s: OtlpSpan = {
    trace_id: '',
    span_id: '',
    name: '',
    start_time_unix_nano: '0',
    end_time_unix_nano: '0',
    attributes: [],
    status: { code: STATUS[0]! },
  };
  visit(buf, (field, wire, r) => {
    if (field === 1 && wire === 2) s.trace_id = base64(r.bytes());
    else if (field === 2 && wire === 2) s.span_id = base64(r.bytes());
    else if (field === 4 && wire === 2) {
      const parent = r.bytes();
      if (parent.length) s.parent_span_id = base64(parent);
    } else if (field === 5 && wire === 2) s.name = text(r.bytes());
    else if (field === 6 && wire === 0) s.kind = KINDS[Number(r.varint())] ?? KINDS[0]!;
    else if (field === 7 && wire === 1) s.start_time_unix_nano = String(r.fixed(8));
    else if (field === 8 && wire === 1) s.end_time_unix_nano = String(r.fixed(8));
    else if (field === 9 && wire === 2) s.attributes.push(keyValue(r.bytes()));
    else if (field === 11 && wire === 2) {
      const event = { time_unix_nano: '0', name: '', attributes: [] as KeyValue[] };
      visit(r.bytes(), (f, w, e) => {
        if (f === 1 && w === 1) event.time_unix_nano = String(e.fixed(8));
        else if (f === 2 && w === 2) event.name = text(e.bytes());
        else if (f === 3 && w === 2) event.attributes.push(keyValue(e.bytes()));
        else return false;
        return true;
      });
      s.events = [...(s.events ?? []), event];
    } else if (field === 15 && wire === 2) {
      visit(r.bytes(), (f, w, st) => {
        if (f === 2 && w === 2) s.status.message = text(st.bytes());
        else if (f === 3 && w === 0) s.status.code = STATUS[Number(st.varint())] ?? STATUS[0]!;
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  return s;
}

/** Spans of a protobuf `ExportTraceServiceRequest`. */
export function spansOfProtobuf(body: Uint8Array): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  try {
    visit(body, (field, wire, r) => {
      if (field !== 1 || wire !== 2) return false; // resource_spans
      let service: string | undefined;
      const found: OtlpSpan[] = [];
      visit(r.bytes(), (f, w, rs) => {
        if (f === 1 && w === 2) {
          // resource: its attributes
          visit(rs.bytes(), (g, x, res) => {
            if (g !== 1 || x !== 2) return false;
            const kv = keyValue(res.bytes());
            if (kv.key === 'service.name' && 'string_value' in kv.value) service = kv.value.string_value;
            return true;
          });
          return true;
        }
        if (f !== 2 || w !== 2) return false; // scope_spans
        visit(rs.bytes(), (g, x, ss) => {
          if (g !== 2 || x !== 2) return false; // spans
          found.push(span(ss.bytes()));
          return true;
        });
        return true;
      });
      for (const s of found) spans.push(service ? { ...s, service_name: service } : s);
      return true;
    });
  } catch (error) {
    if (error instanceof RangeError) throw invalid();
    throw error;
  }
  return spans;
}

// OTLP/JSON: camelCase, ids in hex, 64-bit integers as strings or numbers, enums as numbers.

const hexToBase64 = (hex: unknown) => {
  if (typeof hex !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(hex)) throw invalid();
  return Buffer.from(hex, 'hex').toString('base64');
};
const nanos = (v: unknown) => {
  if (v === undefined || v === null) return '0';
  if (
    (typeof v === 'string' && /^\d+$/.test(v)) ||
    (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)
  )
    return String(v);
  throw invalid();
};

function anyValueJson(v: unknown): AnyValue {
  if (typeof v !== 'object' || v === null) throw invalid();
  const o = v as Record<string, unknown>;
  if (typeof o.stringValue === 'string') return { string_value: o.stringValue };
  if (typeof o.boolValue === 'boolean') return { bool_value: o.boolValue };
  if (o.intValue !== undefined) {
    const n = BigInt(
      typeof o.intValue === 'number' || typeof o.intValue === 'string' ? o.intValue : Number.NaN,
    );
    return { int_value: intJson(n) };
  }
  if (typeof o.doubleValue === 'number') return { double_value: o.doubleValue };
  if (o.arrayValue !== undefined)
    return {
      array_value: { values: listOf((o.arrayValue as { values?: unknown }).values).map(anyValueJson) },
    };
  if (o.kvlistValue !== undefined)
    return {
      kvlist_value: { values: listOf((o.kvlistValue as { values?: unknown }).values).map(keyValueJson) },
    };
  if (typeof o.bytesValue === 'string') return { bytes_value: o.bytesValue };
  return { string_value: '' };
}

function listOf(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid();
  return v;
}

function keyValueJson(v: unknown): KeyValue {
  const o = v as { key?: unknown; value?: unknown };
  if (typeof o?.key !== 'string') throw invalid();
  return { key: o.key, value: o.value === undefined ? { string_value: '' } : anyValueJson(o.value) };
}

/** Spans of an OTLP/JSON `ExportTraceServiceRequest`. */
export function spansOfJson(body: unknown): OtlpSpan[] {
  if (typeof body !== 'object' || body === null) throw invalid();
  const spans: OtlpSpan[] = [];
  try {
    for (const rs of listOf((body as { resourceSpans?: unknown }).resourceSpans)) {
      const resource = (rs as { resource?: { attributes?: unknown } }).resource;
      const service = listOf(resource?.attributes)
        .map(keyValueJson)
        .find((kv) => kv.key === 'service.name');
      const serviceName = service && 'string_value' in service.value ? service.value.string_value : undefined;
      for (const ss of listOf((rs as { scopeSpans?: unknown }).scopeSpans))
        for (const raw of listOf((ss as { spans?: unknown }).spans)) {
          const o = raw as Record<string, unknown>;
          const status = (o.status ?? {}) as { code?: unknown; message?: unknown };
          const code = typeof status.code === 'number' ? STATUS[status.code] : status.code;
          spans.push({
            trace_id: hexToBase64(o.traceId),
            span_id: hexToBase64(o.spanId),
            ...(o.parentSpanId ? { parent_span_id: hexToBase64(o.parentSpanId) } : {}),
            name: typeof o.name === 'string' ? o.name : '',
            ...(o.kind !== undefined
              ? { kind: typeof o.kind === 'number' ? (KINDS[o.kind] ?? KINDS[0]!) : String(o.kind) }
              : {}),
            start_time_unix_nano: nanos(o.startTimeUnixNano),
            end_time_unix_nano: nanos(o.endTimeUnixNano),
            attributes: listOf(o.attributes).map(keyValueJson),
            ...(o.events
              ? {
                  events: listOf(o.events).map((e) => {
                    const ev = e as Record<string, unknown>;
                    return {
                      time_unix_nano: nanos(ev.timeUnixNano),
                      name: typeof ev.name === 'string' ? ev.name : '',
                      attributes: listOf(ev.attributes).map(keyValueJson),
                    };
                  }),
                }
              : {}),
            status: {
              code: typeof code === 'string' && STATUS.includes(code) ? code : STATUS[0]!,
              ...(typeof status.message === 'string' && status.message ? { message: status.message } : {}),
            },
            ...(serviceName ? { service_name: serviceName } : {}),
          });
        }
    }
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof RangeError || error instanceof TypeError)
      throw invalid();
    throw error;
  }
  return spans;
}

/** An AnyValue as the plain value it holds (MLflow's span inputs and outputs). */
export function plainValue(value: AnyValue): unknown {
  if ('string_value' in value) return value.string_value;
  if ('bool_value' in value) return value.bool_value;
  if ('int_value' in value)
    return typeof value.int_value === 'string' ? Number(value.int_value) : value.int_value;
  if ('double_value' in value) return value.double_value;
  if ('array_value' in value) return value.array_value.values.map(plainValue);
  if ('kvlist_value' in value)
    return Object.fromEntries(value.kvlist_value.values.map((kv) => [kv.key, plainValue(kv.value)]));
  return value.bytes_value;
}

/** A plain value as an AnyValue (what MLflow's server answers for each span attribute). */
export function anyValueOf(value: unknown): AnyValue {
  if (typeof value === 'string') return { string_value: value };
  if (typeof value === 'boolean') return { bool_value: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { int_value: value } : { double_value: value };
  if (Array.isArray(value)) return { array_value: { values: value.map(anyValueOf) } };
  if (value && typeof value === 'object')
    return {
      kvlist_value: { values: Object.entries(value).map(([key, v]) => ({ key, value: anyValueOf(v) })) },
    };
  return { string_value: '' };
}
