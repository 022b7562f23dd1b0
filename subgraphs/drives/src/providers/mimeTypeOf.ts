import { lookup } from 'mime-types';

/** A file's media type from its name, as drives that keep none (WebDAV, local folders) need. */
export function mimeTypeOf(name: string): string {
  return lookup(name) || 'application/octet-stream';
}
