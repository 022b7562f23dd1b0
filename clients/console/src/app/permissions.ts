import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleMeQuery } from '../generated/graphql.ts';

/** The scopes whose buttons the console offers; the server decides, the console only asks. */
export const OFFERED_SCOPES = ['workflows:launch', 'workflows:write', 'storage:write', 'experiments:write'];

export type Me = ConsoleMeQuery['me'];

export const MeContext = createContext<Me | undefined>(undefined);

/** Whether the caller may do what `scope` names here: buttons are hidden rather than refused. */
export function useAllowed(scope: string): boolean {
  return useContext(MeContext)?.allowed.includes(scope) ?? false;
}
