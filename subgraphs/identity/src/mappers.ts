import type { AuditEvent } from '@jarvis/audit';
import type {
  ApiKeyRecord,
  MembershipRecord,
  MeRecord,
  ProjectRecord,
  ServiceAccountRecord,
  UserRecord,
} from './records.ts';

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type UserMapper = UserRecord;
export type ProjectMapper = ProjectRecord;
export type MembershipMapper = MembershipRecord;
export type ServiceAccountMapper = ServiceAccountRecord;
export type ApiKeyMapper = ApiKeyRecord;
export type MeMapper = MeRecord;
export type AuditEventMapper = AuditEvent;
