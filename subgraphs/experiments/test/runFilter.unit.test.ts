import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, parseOrderBy, parseRunFilter } from '../src/index.ts';

function failure(text: string) {
  try {
    parseRunFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError);
    return error as FilterSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('parseRunFilter (MLflow search syntax)', () => {
  it('parses the seed-style filter', () => {
    expect(
      parseRunFilter("metrics.acc > 0.9 and params.lr = '0.01' and tags.component = 'toolchain'"),
    ).toEqual([
      { type: 'metric', key: 'acc', comparator: '>', value: 0.9 },
      { type: 'param', key: 'lr', comparator: '=', value: '0.01' },
      { type: 'tag', key: 'component', comparator: '=', value: 'toolchain' },
    ]);
  });

  it('takes quoted keys, LIKE/ILIKE, IN lists, attributes and aliases', () => {
    expect(
      parseRunFilter(
        `tags.\`model family\` LIKE 'res%' AND params."batch size" ilike "3_" AND attributes.status IN ('FINISHED', "RUNNING") and run_name NOT IN ('x') AND metric.loss <= -1.5e-3 AND attr.start_time >= 1700000000000 AND tags.mlflow.source.type != 'NOTEBOOK'`,
      ),
    ).toEqual([
      { type: 'tag', key: 'model family', comparator: 'LIKE', value: 'res%' },
      { type: 'param', key: 'batch size', comparator: 'ILIKE', value: '3_' },
      { type: 'attribute', key: 'status', comparator: 'IN', value: ['FINISHED', 'RUNNING'] },
      { type: 'attribute', key: 'run_name', comparator: 'NOT IN', value: ['x'] },
      { type: 'metric', key: 'loss', comparator: '<=', value: -0.0015 },
      { type: 'attribute', key: 'start_time', comparator: '>=', value: 1700000000000 },
      { type: 'tag', key: 'mlflow.source.type', comparator: '!=', value: 'NOTEBOOK' },
    ]);
  });

  it('treats a doubled quote as the quote, and an empty filter as no clauses', () => {
    expect(parseRunFilter("tags.note = 'it''s'")).toEqual([
      { type: 'tag', key: 'note', comparator: '=', value: "it's" },
    ]);
    expect(parseRunFilter('')).toEqual([]);
    expect(parseRunFilter('   ')).toEqual([]);
    expect(parseRunFilter(undefined)).toEqual([]);
  });

  it('points at the position of a syntax error and says what was expected', () => {
    const noComparator = failure('metrics.acc ~ 0.9');
    expect(noComparator.position).toBe(12);
    expect(noComparator.message).toMatch(
      /position 13: expected a comparator .* after metrics\.acc, found "~ 0.9"/,
    );
    expect(noComparator.message).toContain('\n  metrics.acc ~ 0.9\n              ^');

    expect(failure("metrics.acc > 'high'").message).toMatch(/position 15: expected a number/);
    expect(failure("params.lr > '0.1'").message).toMatch(
      /params\.lr compares with =, !=, LIKE, ILIKE, IN, NOT IN, not >/,
    );
    expect(failure("metrics.acc LIKE '9%'").message).toMatch(
      /metrics\.acc compares with =, !=, >, >=, <, <=, not LIKE/,
    );
    expect(failure("metrics.acc > 1 or params.a = 'b'").message).toMatch(/position 17: OR is not supported/);
    expect(failure("metrics.acc > 1 params.a = 'b'").message).toMatch(/position 17: expected AND or the end/);
    expect(failure("tags.a = 'open").message).toMatch(/position 10: unterminated ' quote/);
    expect(failure("foo.bar = 'x'").message).toMatch(/position 1: unknown entity "foo"/);
    expect(failure("attributes.colour = 'x'").message).toMatch(/unknown attribute "colour"/);
    expect(failure("colour = 'x'").message).toMatch(
      /"colour" is neither an entity .* nor an attribute \(run_id, run_name/,
    );
    expect(failure("status IN ('a',)").message).toMatch(/expected a quoted string/);
    expect(failure('metrics. > 1').message).toMatch(
      /position 1: expected a key after "metrics\."|expected a key/,
    );
    expect(failure('metrics.acc >').message).toMatch(/expected a number, found the end of the filter/);
  });
});

describe('parseOrderBy', () => {
  it('is ascending unless DESC, for any entity', () => {
    expect(
      parseOrderBy(['metrics.acc DESC', 'attributes.start_time', 'params.lr asc', 'tags.`a b` DESC']),
    ).toEqual([
      { type: 'metric', key: 'acc', ascending: false },
      { type: 'attribute', key: 'start_time', ascending: true },
      { type: 'param', key: 'lr', ascending: true },
      { type: 'tag', key: 'a b', ascending: false },
    ]);
    expect(() => parseOrderBy(['metrics.acc sideways'])).toThrow(/expected ASC, DESC or the end/);
  });
});
