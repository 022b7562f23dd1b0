/**
 * MLflow's run search language (`runs/search` filter and order_by), parsed into clauses that
 * both the native store (SQL) and the MLflow-backed store (passed through) can use:
 *
 *   metrics.acc > 0.9 and params.lr = '0.01' and tags.component = 'toolchain'
 *   tags.`model family` LIKE 'res%' AND attributes.status IN ('FINISHED', 'RUNNING')
 *
 * Clauses are joined by AND (MLflow has no OR). Keys with other characters than letters,
 * digits, `_ . - /` are quoted with backticks or double quotes. Errors name the position.
 */

export type EntityType = 'metric' | 'param' | 'tag' | 'attribute';
export type Comparator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export interface FilterClause {
  type: EntityType;
  key: string;
  comparator: Comparator;
  value: number | string | string[];
}

export interface OrderClause {
  type: EntityType;
  key: string;
  ascending: boolean;
}

export class FilterSyntaxError extends Error {
  /** 0-based offset into the filter text. */
  readonly position: number;
  constructor(text: string, position: number, problem: string) {
    super(`Invalid filter at position ${position + 1}: ${problem}\n  ${text}\n  ${' '.repeat(position)}^`);
    this.name = 'FilterSyntaxError';
    this.position = position;
  }
}

const ENTITY_PREFIXES: Record<string, EntityType> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

/** Run attributes that can be searched, and whether they compare as numbers. */
export const RUN_ATTRIBUTES: Record<string, 'number' | 'string'> = {
  run_id: 'string',
  run_name: 'string',
  status: 'string',
  artifact_uri: 'string',
  user_id: 'string',
  start_time: 'number',
  end_time: 'number',
};

const NUMERIC_COMPARATORS: Comparator[] = ['=', '!=', '>', '>=', '<', '<='];
const STRING_COMPARATORS: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

class Cursor {
  pos = 0;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  skipSpace() {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  atEnd() {
    this.skipSpace();
    return this.pos >= this.text.length;
  }
  fail(problem: string, at = this.pos): never {
    throw new FilterSyntaxError(this.text, at, problem);
  }
  /** The next word (letters, digits, `_`), without consuming it. */
  peekWord(): string {
    this.skipSpace();
    return /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0] ?? '';
  }
  found(): string {
    return this.pos >= this.text.length
      ? 'the end of the filter'
      : JSON.stringify(this.text.slice(this.pos, this.pos + 12));
  }
  quoted(quote: string): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === quote) {
        // A doubled quote stands for itself, as in SQL.
        if (this.text[this.pos + 1] === quote) {
          out += quote;
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      out += ch;
      this.pos++;
    }
    return this.fail(`unterminated ${quote} quote`, start);
  }
}

function parseIdentifier(
  c: Cursor,
  attributes: Record<string, 'number' | 'string'>,
): { type: EntityType; key: string; at: number } {
  c.skipSpace();
  const at = c.pos;
  const word = c.peekWord();
  if (!word) c.fail(`expected metrics.<key>, params.<key>, tags.<key> or an attribute, found ${c.found()}`);
  c.pos += word.length;
  if (c.text[c.pos] !== '.') {
    const attribute = word.toLowerCase();
    if (attribute in attributes) return { type: 'attribute', key: attribute, at };
    c.fail(
      `${JSON.stringify(word)} is neither an entity (metrics, params, tags, attributes) nor an attribute (${Object.keys(attributes).join(', ')})`,
      at,
    );
  }
  const type = ENTITY_PREFIXES[word.toLowerCase()];
  if (!type) c.fail(`unknown entity ${JSON.stringify(word)}: use metrics, params, tags or attributes`, at);
  c.pos++; // the dot
  const ch = c.text[c.pos];
  let key: string;
  if (ch === '`' || ch === '"') key = c.quoted(ch);
  else {
    key = /^[A-Za-z0-9_.\-/]+/.exec(c.text.slice(c.pos))?.[0] ?? '';
    if (!key) c.fail(`expected a key after ${JSON.stringify(`${word}.`)}, found ${c.found()}`);
    c.pos += key.length;
  }
  if (!key) c.fail('a key cannot be empty', at);
  if (type === 'attribute') {
    key = key.toLowerCase();
    if (!(key in attributes))
      c.fail(`unknown attribute ${JSON.stringify(key)}; known: ${Object.keys(attributes).join(', ')}`, at);
  }
  return { type, key, at };
}

function parseComparator(c: Cursor, after: string): Comparator {
  c.skipSpace();
  const symbol = /^(!=|<>|>=|<=|=|>|<)/.exec(c.text.slice(c.pos))?.[0];
  if (symbol) {
    c.pos += symbol.length;
    return symbol === '<>' ? '!=' : (symbol as Comparator);
  }
  const word = c.peekWord().toUpperCase();
  if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') {
    c.pos += word.length;
    return word;
  }
  if (word === 'NOT') {
    c.pos += 3;
    if (c.peekWord().toUpperCase() === 'IN') {
      c.pos += 2;
      return 'NOT IN';
    }
    c.fail(`expected IN after NOT, found ${c.found()}`);
  }
  return c.fail(
    `expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN) after ${after}, found ${c.found()}`,
  );
}

function parseString(c: Cursor): string {
  c.skipSpace();
  const ch = c.text[c.pos];
  if (ch !== "'" && ch !== '"') c.fail(`expected a quoted string, found ${c.found()}`);
  return c.quoted(ch);
}

function parseNumber(c: Cursor): number {
  c.skipSpace();
  const match = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(c.text.slice(c.pos));
  if (!match) c.fail(`expected a number, found ${c.found()}`);
  c.pos += match[0].length;
  return Number(match[0]);
}

function parseList(c: Cursor): string[] {
  c.skipSpace();
  if (c.text[c.pos] !== '(') c.fail(`expected ( and a list of quoted strings, found ${c.found()}`);
  c.pos++;
  const values: string[] = [];
  for (;;) {
    values.push(parseString(c));
    c.skipSpace();
    if (c.text[c.pos] === ',') {
      c.pos++;
      continue;
    }
    if (c.text[c.pos] === ')') {
      c.pos++;
      return values;
    }
    c.fail(`expected , or ) in the list, found ${c.found()}`);
  }
}

function parseClause(c: Cursor, attributes: Record<string, 'number' | 'string'>): FilterClause {
  const { type, key } = parseIdentifier(c, attributes);
  const name = type === 'attribute' ? `attributes.${key}` : `${type}s.${key}`;
  c.skipSpace();
  const comparatorAt = c.pos;
  const comparator = parseComparator(c, name);
  const numeric = type === 'metric' || (type === 'attribute' && attributes[key] === 'number');
  const allowed = numeric ? NUMERIC_COMPARATORS : STRING_COMPARATORS;
  if (!allowed.includes(comparator)) {
    c.fail(`${name} compares with ${allowed.join(', ')}, not ${comparator}`, comparatorAt);
  }
  const value =
    comparator === 'IN' || comparator === 'NOT IN' ? parseList(c) : numeric ? parseNumber(c) : parseString(c);
  return { type, key, comparator, value };
}

/** Parses a filter; `attributes` are the bare names it accepts (runs' by default, or the registry's). */
export function parseRunFilter(
  text: string | null | undefined,
  attributes: Record<string, 'number' | 'string'> = RUN_ATTRIBUTES,
): FilterClause[] {
  if (!text?.trim()) return [];
  const c = new Cursor(text);
  const clauses = [parseClause(c, attributes)];
  while (!c.atEnd()) {
    const word = c.peekWord().toUpperCase();
    if (word === 'OR') c.fail('OR is not supported (MLflow joins clauses with AND only)');
    if (word !== 'AND') c.fail(`expected AND or the end of the filter, found ${c.found()}`);
    c.pos += 3;
    clauses.push(parseClause(c, attributes));
  }
  return clauses;
}

/** `metrics.acc DESC`, `attributes.start_time`, `params.lr ASC`: ascending unless DESC. */
export function parseOrderBy(
  items: string[] | null | undefined,
  attributes: Record<string, 'number' | 'string'> = RUN_ATTRIBUTES,
): OrderClause[] {
  return (items ?? []).map((item) => {
    const c = new Cursor(item);
    const { type, key } = parseIdentifier(c, attributes);
    let ascending = true;
    const word = c.peekWord().toUpperCase();
    if (word === 'ASC' || word === 'DESC') {
      ascending = word === 'ASC';
      c.pos += word.length;
    }
    if (!c.atEnd()) c.fail(`expected ASC, DESC or the end, found ${c.found()}`);
    return { type, key, ascending };
  });
}
