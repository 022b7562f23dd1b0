import { describe, expect, it } from 'vitest';
import { spansOfJson, spansOfProtobuf } from '../src/tracing/otlpSpans.ts';

/** Protobuf by hand: tag, then varint or length-delimited value. */
const varint = (n: number | bigint) => {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
};
const field = (number: number, bytes: number[]) => [
  ...varint((number << 3) | 2),
  ...varint(bytes.length),
  ...bytes,
];
const text = (s: string) => [...Buffer.from(s)];
const fixed64 = (number: number, value: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return [...varint((number << 3) | 1), ...b];
};

describe('OTLP spans', () => {
  it('reads a protobuf export: ids, nanosecond times past 2^53, attributes of every kind, status, service name', () => {
    const anyInt = [...varint((3 << 3) | 0), ...varint(-2n & 0xffffffffffffffffn)];
    const span = [
      ...field(1, [...Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex')]),
      ...field(2, [...Buffer.from('b7ad6b7169203331', 'hex')]),
      ...field(5, text('agent')),
      ...fixed64(7, 1796100000000000123n),
      ...fixed64(8, 1796100000500000456n),
      ...field(9, [...field(1, text('q')), ...field(2, field(1, text('"hi"')))]),
      ...field(9, [...field(1, text('n')), ...field(2, anyInt)]),
      ...field(15, [...varint((3 << 3) | 0), 2]),
      // Field 15 again with another wire type (a varint): skipped, as protobuf readers do.
      ...[0x78, 0x05],
    ];
    const resource = field(1, [...field(1, text('service.name')), ...field(2, field(1, text('agent-7')))]);
    const body = field(1, [...field(1, resource), ...field(2, field(2, span))]);
    const [s] = spansOfProtobuf(new Uint8Array(body));
    expect(s).toEqual({
      trace_id: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64'),
      span_id: Buffer.from('b7ad6b7169203331', 'hex').toString('base64'),
      name: 'agent',
      start_time_unix_nano: '1796100000000000123',
      end_time_unix_nano: '1796100000500000456',
      attributes: [
        { key: 'q', value: { string_value: '"hi"' } },
        { key: 'n', value: { int_value: -2 } },
      ],
      status: { code: 'STATUS_CODE_ERROR' },
      service_name: 'agent-7',
    });
  });

  it('refuses truncated or malformed protobuf as BAD_USER_INPUT, not an exception of its own', () => {
    for (const bytes of [[0x0a, 0x05, 0x01], [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], [0x0b], [0x0a, 0x80]])
      expect(() => spansOfProtobuf(new Uint8Array(bytes)), JSON.stringify(bytes)).toThrow(
        expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      );
  });

  it('reads OTLP/JSON (hex ids, string or number integers, numeric enums) and refuses what is not', () => {
    const [s] = spansOfJson({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  parentSpanId: '00f067aa0ba902b7',
                  name: 'tool',
                  kind: 3,
                  startTimeUnixNano: 1,
                  endTimeUnixNano: '2',
                  attributes: [{ key: 'big', value: { intValue: '9007199254740993' } }],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(s).toMatchObject({
      parent_span_id: Buffer.from('00f067aa0ba902b7', 'hex').toString('base64'),
      kind: 'SPAN_KIND_CLIENT',
      start_time_unix_nano: '1',
      attributes: [{ key: 'big', value: { int_value: '9007199254740993' } }],
      status: { code: 'STATUS_CODE_OK' },
    });
    for (const bad of [
      null,
      { resourceSpans: {} },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: '00' }] }] }] },
      {
        resourceSpans: [
          { scopeSpans: [{ spans: [{ traceId: '00', spanId: '00', startTimeUnixNano: -1 }] }] },
        ],
      },
      {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: '00', spanId: '00', attributes: [{ key: 'k', value: { intValue: 'x' } }] },
                ],
              },
            ],
          },
        ],
      },
    ])
      expect(() => spansOfJson(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      );
  });
});
