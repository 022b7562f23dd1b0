import type { AuditEntry, AuditEvent, AuditLog } from '@jarvis/audit';
import type { RequestContext } from '@jarvis/context';
import { withBeforeCommit } from '@jarvis/db';
import { JarvisError } from '@jarvis/errors';

const codeOf = (error: unknown) =>
  error instanceof JarvisError
    ? error.code
    : String((error as { extensions?: { code?: unknown } })?.extensions?.code ?? 'INTERNAL_SERVER_ERROR');

/**
 * Runs a change (a mutation, a state-changing REST call) and audits it: when the change commits
 * an SQL transaction, its entry is the transaction's last statement, so both commit or neither;
 * a change that commits nothing, or fails, is recorded once it ended, with its outcome.
 */
export async function auditedCall<T>(
  audit: AuditLog,
  context: RequestContext,
  entryOf: (outcome: string, result?: T) => AuditEntry,
  run: () => Promise<T>,
  outcomeOf: (result: T) => string = () => 'ok',
): Promise<T> {
  await audit.prepare();
  let written: AuditEvent | undefined;
  let open = true;
  try {
    const result = await withBeforeCommit(async (inTransaction) => {
      if (!open || written) return;
      written = await audit.recordIn(inTransaction, context, entryOf('ok'));
    }, run);
    open = false;
    const outcome = outcomeOf(result);
    if (written) await audit.announce(written);
    if (!written || outcome !== 'ok') await audit.record(context, entryOf(outcome, result));
    return result;
  } catch (error) {
    open = false;
    if (written) await audit.announce(written);
    await audit.record(context, entryOf(codeOf(error)));
    throw error;
  }
}
