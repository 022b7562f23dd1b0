import { type DirectiveNode, type DocumentNode, Kind } from 'graphql';
import type { Requirement } from './scopes.ts';

/** The directive every subgraph declares its fields' requirements with (exposed by @composeDirective). */
export const ACCESS_DIRECTIVE = 'access';

/** Requirements by type, and by field within it; a field's own wins over its type's. */
export interface AccessRules {
  types: Map<string, Requirement>;
  fields: Map<string, Requirement>;
}

const scopeOf = (directives: readonly DirectiveNode[] | undefined): Requirement | undefined => {
  const access = directives?.find((d) => d.name.value === ACCESS_DIRECTIVE);
  const arg = access?.arguments?.find((a) => a.name.value === 'scope');
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
};

/** Reads `@access(scope:)` from an SDL: a subgraph's schema.graphql or the composed supergraph. */
export function accessRulesOf(document: DocumentNode): AccessRules {
  const rules: AccessRules = { types: new Map(), fields: new Map() };
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
    )
      continue;
    const type = definition.name.value;
    const own = scopeOf(definition.directives);
    if (own) rules.types.set(type, own);
    for (const field of definition.fields ?? []) {
      const scope = scopeOf(field.directives);
      if (scope) rules.fields.set(`${type}.${field.name.value}`, scope);
    }
  }
  return rules;
}

/** What using `type.field` needs; undefined when neither the field nor its type says. */
export function requirementOf(rules: AccessRules, type: string, field: string): Requirement | undefined {
  return rules.fields.get(`${type}.${field}`) ?? rules.types.get(type);
}
