import type { AliasRecord, ArtifactRecord, UploadRecord } from './store/records.ts';

// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { AliasRecord, ArtifactRecord, UploadRecord };
export interface RunRef {
  id: string;
}
