import type { AuditLog } from '@jarvis/audit';
import { type AccessRules, decide } from '@jarvis/auth';
import type { RequestContext } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { GraphQLScalarType } from 'graphql';
import { auditedCall } from './auditedCall.ts';

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

/** Refuses a caller the requirement does not allow: UNAUTHENTICATED without credentials, FORBIDDEN with. */
export function requireAccess(context: RequestContext | undefined, requirement: string, what: string): void {
  const principal = context?.principal;
  const decision = principal ? decide(principal, requirement) : 'unauthenticated';
  if (decision === 'unauthenticated')
    throw new JarvisError(
      ErrorCode.UNAUTHENTICATED,
      `sign in first: ${what} needs credentials (${requirement})`,
    );
  if (decision === 'forbidden')
    throw new JarvisError(
      ErrorCode.FORBIDDEN,
      `your role in project "${principal!.projectId}" does not allow ${what} (${requirement}); ask a project admin for a role that does`,
    );
}

/** The ids a mutation named: arguments called id, name, …Id (also inside inputs), and the result's id. */
export function targetsOf(args: Record<string, unknown>, result?: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 2) return;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (
        /^(id|name|version|workflow|[a-z]+Id)$/.test(key) &&
        (typeof v === 'string' || typeof v === 'number')
      )
        found.push(`${key}=${v}`);
      else if (/^[a-z]*Ids$/.test(key) && Array.isArray(v))
        for (const x of v.slice(0, 20)) found.push(`${key}=${x}`);
      else if (typeof v === 'object') walk(v, depth + 1);
    }
  };
  walk(args, 0);
  const id = result && typeof result === 'object' ? (result as { id?: unknown }).id : undefined;
  if ((typeof id === 'string' || typeof id === 'number') && !found.includes(`id=${id}`))
    found.push(`id=${id}`);
  return found;
}

type Resolver = (
  parent: unknown,
  args: Record<string, unknown>,
  context: RequestContext,
  info: unknown,
) => unknown;

/**
 * The subgraph's own check of what the router checked before planning (defence in depth: a
 * subgraph reached some other way still refuses): every root field and every field with its
 * own `@access`, and entity references of types with one. Mutations are also audited, with
 * their outcome.
 */
export function guardResolvers(
  service: string,
  resolvers: Record<string, unknown>,
  rules: AccessRules,
  audit: AuditLog | undefined,
): Record<string, unknown> {
  const guarded: Record<string, unknown> = {};
  for (const [type, fields] of Object.entries(resolvers)) {
    if (fields instanceof GraphQLScalarType || typeof fields !== 'object' || fields === null) {
      guarded[type] = fields;
      continue;
    }
    const out: Record<string, unknown> = {};
    for (const [field, resolver] of Object.entries(fields as Record<string, unknown>)) {
      if (field === '__resolveReference') {
        const needs = rules.types.get(type);
        const resolve = resolver as (ref: unknown, context: RequestContext, info: unknown) => unknown;
        out[field] = needs
          ? (ref: unknown, context: RequestContext, info: unknown) => {
              requireAccess(context, needs, type);
              return resolve(ref, context, info);
            }
          : resolver;
        continue;
      }
      const needs =
        rules.fields.get(`${type}.${field}`) ?? (ROOTS.has(type) ? rules.types.get(type) : undefined);
      if (!needs || field.startsWith('__')) {
        out[field] = resolver;
        continue;
      }
      const what = `${type}.${field}`;
      if (type === 'Subscription' && typeof resolver === 'object' && resolver) {
        const { subscribe, ...rest } = resolver as { subscribe: Resolver };
        out[field] = {
          ...rest,
          subscribe: (
            parent: unknown,
            args: Record<string, unknown>,
            context: RequestContext,
            info: unknown,
          ) => {
            requireAccess(context, needs, what);
            return subscribe(parent, args, context, info);
          },
        };
        continue;
      }
      const resolve = resolver as Resolver;
      out[field] =
        type === 'Mutation' && audit
          ? (parent: unknown, args: Record<string, unknown>, context: RequestContext, info: unknown) => {
              requireAccess(context, needs, what);
              return auditedCall(
                audit,
                context,
                (outcome, result) => ({
                  service,
                  action: `mutation ${field}`,
                  targets: targetsOf(args, result),
                  outcome,
                }),
                async () => resolve(parent, args, context, info),
              );
            }
          : (parent: unknown, args: Record<string, unknown>, context: RequestContext, info: unknown) => {
              requireAccess(context, needs, what);
              return resolve(parent, args, context, info);
            };
    }
    guarded[type] = out;
  }
  return guarded;
}
