import type { Readable } from 'node:stream';
import type { Principal } from '@jarvis/context';

/** An artifact as another subgraph sees it: enough to name, find and check it. */
export interface PortArtifact {
  id: string;
  name: string;
  version: number;
  kind: string;
  size: number;
  sha256: string;
  contentType: string | null;
  deletedAt: Date | null;
}

/**
 * What storage offers the subgraphs beside it (drives imports and exports through it), acting as
 * the principal who asked: the same checks, limits and lineage as a user's own upload. Storage's
 * service implements it; a subgraph reaches it with `deps.peer('storage')`.
 */
export interface ArtifactPort {
  /**
   * Stores a body of unknown size as a new version of `name`, hashed as it arrives; nothing is
   * visible unless the whole body arrived (a cut body rejects and leaves no version).
   */
  storeStream(
    principal: Principal,
    input: {
      name: string;
      kind: 'MODEL' | 'DATASET' | 'LOG' | 'REPORT' | 'MEDIA' | 'OTHER';
      contentType?: string | null;
      metadata?: unknown;
      tags?: string[] | null;
      component?: string | null;
    },
    body: Readable,
  ): Promise<PortArtifact>;
  artifact(principal: Principal, id: string): Promise<PortArtifact | undefined>;
  /** The newest live version of each name under a prefix, up to `limit` names. */
  latestUnder(principal: Principal, prefix: string, limit?: number): Promise<PortArtifact[]>;
  /** Soft-deletes (or restores) an artifact version; it can be restored within the retention window. */
  setDeleted(principal: Principal, id: string, deleted: boolean): Promise<PortArtifact>;
  /** An artifact's bytes, or undefined when there is none (or it is deleted). */
  openContent(
    principal: Principal,
    id: string,
  ): Promise<{ artifact: PortArtifact; body: Readable } | undefined>;
}
