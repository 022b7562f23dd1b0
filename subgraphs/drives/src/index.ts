// The drives subgraph, under construction (issue 20): its providers come first; it joins the
// supergraph when it has a schema.graphql.

export {
  consentUrl,
  exchangeCode,
  type OAuthApp,
  type OAuthTokens,
  refreshTokens,
} from './oauth/oauthClient.ts';
export { type OAuthProvider, type OAuthProviderName, oauthProvider } from './oauth/oauthProviders.ts';
export { pkce } from './oauth/pkce.ts';
export { tokenKeeper } from './oauth/tokenKeeper.ts';
export { drivePath } from './providers/drivePath.ts';
export type { DriveEntry, DriveKind, DriveProvider } from './providers/driveProvider.ts';
export { type GoogleDriveOptions, googleDriveProvider } from './providers/googleDriveProvider.ts';
export { localFolderProvider } from './providers/localFolderProvider.ts';
export { type OneDriveOptions, oneDriveProvider } from './providers/oneDriveProvider.ts';
export { type WebdavOptions, webdavProvider } from './providers/webdavProvider.ts';
export { extractText, MAX_TEXT } from './search/extractText.ts';
export { type SecretBox, secretBox } from './secrets/secretBox.ts';
export { subgraph } from './subgraph.ts';
