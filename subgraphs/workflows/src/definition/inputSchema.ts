import { badUserInput } from '@jarvis/errors';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** The schema's validator, or why it is not a valid JSON Schema. */
export function compileInputSchema(schema: unknown): ValidateFunction | string {
  if (!schema || typeof schema !== 'object') return 'the input schema must be a JSON Schema object';
  const known = compiled.get(schema);
  if (known) return known;
  try {
    const validate = ajv.compile(schema as object);
    compiled.set(schema, validate);
    return validate;
  } catch (error) {
    return `not a valid JSON Schema: ${(error as Error).message}`;
  }
}

/** Throws BAD_USER_INPUT naming the JSON pointer of each place the input fails its schema. */
export function checkInput(workflow: string, schema: Record<string, unknown> | undefined, input: unknown) {
  if (!schema) return;
  const validate = compileInputSchema(schema);
  if (typeof validate === 'string') throw badUserInput(validate);
  if (validate(input)) return;
  const problems = (validate.errors ?? []).map((e) => ({
    // A missing property is reported on its parent; point at the property itself.
    pointer:
      e.keyword === 'required'
        ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`
        : e.instancePath || '/',
    message: e.message ?? 'is not valid',
    ...(e.params && Object.keys(e.params).length > 0 ? { params: e.params } : {}),
  }));
  const [first] = problems;
  throw badUserInput(
    `input does not match workflow "${workflow}"'s input schema: at ${first!.pointer}: ${first!.message}`,
    { problems, pointer: first!.pointer },
  );
}
