import type { AliasRecord, ArtifactRecord, UploadRecord } from './records.ts';

// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { AliasRecord, ArtifactRecord, UploadRecord };
export interface RunRef {
  id: string;
}
/** What the router sends for a ModelVersion: its key and the fields storage @requires. */
export interface ModelVersionRef {
  name: string;
  version: number;
  source?: string;
  artifactId?: string | null;
}

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type ArtifactMapper = ArtifactRecord;
export type ArtifactUploadMapper = UploadRecord;
export type ArtifactAliasMapper = AliasRecord;
export type RunMapper = RunRef;
export type ModelVersionMapper = ModelVersionRef;
