import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';
import { checkName } from './settingName.ts';

/** Where a component's setting changes in a project go; the router subscribes there for `settingsChanged`. */
export const settingsTopic = (projectId: string, component: string) =>
  `platform.settings.${projectId}.${component}`;

/** A SettingEvent as published: the whole change, so subscribers need no second query. */
export interface SettingEvent {
  component: string;
  key: string;
  value: unknown;
  version: number;
  changedBy: string;
  changedAt: Date;
}

/** The platform subgraph's subscriptions, as the router serves them. */
export const subscriptionFields: Record<string, SubscriptionField> = {
  settingsChanged: {
    topic: (args, context) => {
      checkName('component', String(args.component));
      if (typeof args.key === 'string') checkName('key', args.key);
      return settingsTopic(context.principal.projectId, String(args.component));
    },
    filter: (args, payload) => !args.key || (payload as SettingEvent).key === args.key,
  },
};

/** Events of this subgraph carry their data; no entity is fetched for them. */
export const entityQueries: EntityQueries = {};
