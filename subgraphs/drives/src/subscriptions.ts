import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';

/** Where a transfer's events are published, for `driveTransferEvents`. */
export const transferTopic = (transferId: string) => `drives.transfer.${transferId}`;

const SNAPSHOT_FIELDS = 'id status filesDone filesTotal bytesDone bytesTotal error';

interface TransferSnapshot {
  id: string;
  status: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  error: string | null;
}

/** The drives subgraph's subscriptions, as the router serves them. */
export const subscriptionFields: Record<string, SubscriptionField> = {
  driveTransferEvents: {
    topic: (args) => transferTopic(String(args.transferId)),
    requires: { type: 'DriveTransfer', idArg: 'transferId' },
    // Where it stands first (read after the live subscription opened, so nothing falls between).
    replay: {
      query: `query($id: ID!) { replay: driveTransfer(id: $id) { ${SNAPSHOT_FIELDS} } }`,
      variables: (args) => ({ id: args.transferId }),
      events: (data) => {
        const t = (data as { replay?: TransferSnapshot | null }).replay;
        if (!t) return [];
        return [
          {
            type: 'SNAPSHOT',
            transfer: { id: t.id },
            path: null,
            message: t.status,
            filesDone: t.filesDone,
            filesTotal: t.filesTotal,
            bytesDone: t.bytesDone,
            bytesTotal: t.bytesTotal,
            at: new Date(),
          },
        ];
      },
      // Progress is not numbered: every live event after the snapshot is sent.
      sequence: (event) => ((event as { type: string }).type === 'SNAPSHOT' ? -1 : 0),
    },
  },
};

/** How the router fetches the entities this subgraph owns when an event names them. */
export const entityQueries: EntityQueries = {
  Drive: 'query($entityId: ID!) { entity: drive(id: $entityId) SELECTION }',
  DriveTransfer: 'query($entityId: ID!) { entity: driveTransfer(id: $entityId) SELECTION }',
};
