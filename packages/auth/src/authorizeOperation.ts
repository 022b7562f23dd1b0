import type { Principal } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { type DocumentNode, type GraphQLSchema, Kind, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import { type AccessRules, requirementOf } from './accessRules.ts';
import { decide } from './scopes.ts';

/**
 * Checks every field an operation selects against its declared requirement, before anything
 * runs: one refused field refuses the operation (UNAUTHENTICATED without credentials, FORBIDDEN
 * with them), naming the fields and what they need, so no subgraph is called for any of them.
 */
export function authorizeOperation(
  schema: GraphQLSchema,
  rules: AccessRules,
  document: DocumentNode,
  principal: Principal,
  operationName?: string | null,
): void {
  const typeInfo = new TypeInfo(schema);
  const refused: { field: string; needs: string; decision: string }[] = [];
  const fragments = new Set<string>();
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const chosen =
    operations.length === 1 ? operations[0] : operations.find((o) => o.name?.value === operationName);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition(node) {
        // Only the operation that runs is checked; a document may carry others.
        if (chosen && node !== chosen) return false;
        return undefined;
      },
      FragmentSpread(node) {
        fragments.add(node.name.value);
      },
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        const needs = requirementOf(rules, parent.name, node.name.value);
        if (!needs) return;
        const decision = decide(principal, needs);
        if (decision !== 'allowed')
          refused.push({ field: `${parent.name}.${node.name.value}`, needs, decision });
      },
    }),
  );
  if (!refused.length) return;
  const unauthenticated = refused.some((r) => r.decision === 'unauthenticated');
  const fields = [...new Set(refused.map((r) => `${r.field} (${r.needs})`))];
  throw unauthenticated
    ? new JarvisError(
        ErrorCode.UNAUTHENTICATED,
        `sign in first: ${fields.join(', ')} need credentials. Send an API key (Authorization: Bearer jv_…) or an OpenID Connect token`,
        { fields },
      )
    : new JarvisError(
        ErrorCode.FORBIDDEN,
        `your role in project "${principal.projectId}" does not allow ${fields.join(', ')}; ask a project admin for a role that does`,
        { fields, project: principal.projectId },
      );
}
