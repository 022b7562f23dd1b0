import type { AliasRecord, ArtifactRecord, DeclaredUploadRecord } from './records.ts';

// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { AliasRecord, ArtifactRecord, DeclaredUploadRecord };
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
// Uploads started by MLflow's multipart protocol declare no size or digest; they are not served here.
export type ArtifactUploadMapper = DeclaredUploadRecord;
export type ArtifactAliasMapper = AliasRecord;
export type RunMapper = RunRef;
export type ModelVersionMapper = ModelVersionRef;
