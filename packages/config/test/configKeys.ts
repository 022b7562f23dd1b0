import { z } from 'zod';
import { configSchema } from '../src/index.ts';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
};

/** Every leaf key of the configuration schema as a dotted path (`*` for records and arrays). */
function leafPaths(schema: JsonSchema, prefix: string[] = []): string[] {
  const options = schema.anyOf ?? [schema];
  const out: string[] = [];
  for (const s of options) {
    if (s.properties) {
      for (const [key, child] of Object.entries(s.properties))
        out.push(...leafPaths(child, [...prefix, key]));
    } else if (s.items) out.push(...leafPaths(s.items, [...prefix, '*']));
    else if (s.additionalProperties && typeof s.additionalProperties === 'object')
      out.push(...leafPaths(s.additionalProperties, [...prefix, '*']));
    else out.push(prefix.join('.'));
  }
  return [...new Set(out)];
}

/** Every leaf key of the configuration schema, from the schema itself (so none is forgotten). */
export const ALL_KEYS = leafPaths(
  z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema,
);
