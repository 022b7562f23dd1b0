import { lookup } from 'mime-types';

/** Formats ML work is full of that the media-type database does not know. */
const EXTRA: Record<string, string> = {
  y4m: 'video/x-yuv4mpeg',
  parquet: 'application/vnd.apache.parquet',
  jsonl: 'application/x-ndjson',
  ndjson: 'application/x-ndjson',
};

/** A file's media type from its name, as drives that keep none (WebDAV, local folders) need. */
export function mimeTypeOf(name: string): string {
  return (
    lookup(name) || EXTRA[name.slice(name.lastIndexOf('.') + 1).toLowerCase()] || 'application/octet-stream'
  );
}
