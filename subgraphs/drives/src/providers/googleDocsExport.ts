/** How Google's own documents (which have no bytes of their own) come out of Drive. */
export type GoogleDocsFormat = 'OFFICE' | 'PDF' | 'OPEN_DOCUMENT';

const NATIVE = 'application/vnd.google-apps.';

/** Export types per native type and format, from Drive's "Export MIME types" reference. */
const EXPORTS: Record<string, Record<GoogleDocsFormat, { mimeType: string; extension: string }>> = {
  document: {
    OFFICE: {
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      extension: 'docx',
    },
    PDF: { mimeType: 'application/pdf', extension: 'pdf' },
    OPEN_DOCUMENT: { mimeType: 'application/vnd.oasis.opendocument.text', extension: 'odt' },
  },
  spreadsheet: {
    OFFICE: {
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      extension: 'xlsx',
    },
    PDF: { mimeType: 'application/pdf', extension: 'pdf' },
    OPEN_DOCUMENT: { mimeType: 'application/vnd.oasis.opendocument.spreadsheet', extension: 'ods' },
  },
  presentation: {
    OFFICE: {
      mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      extension: 'pptx',
    },
    PDF: { mimeType: 'application/pdf', extension: 'pdf' },
    OPEN_DOCUMENT: { mimeType: 'application/vnd.oasis.opendocument.presentation', extension: 'odp' },
  },
  drawing: {
    OFFICE: { mimeType: 'image/png', extension: 'png' },
    PDF: { mimeType: 'application/pdf', extension: 'pdf' },
    OPEN_DOCUMENT: { mimeType: 'image/svg+xml', extension: 'svg' },
  },
};

/** Whether an entry is one of Google's own documents (Docs, Sheets, Slides, Drawings, Forms…). */
export const isGoogleNative = (mimeType: string) =>
  mimeType.startsWith(NATIVE) && !mimeType.endsWith('.folder');

/**
 * What a native document is exported as in `format`: its media type and the extension its file
 * name gets; undefined for types Drive cannot export (Forms, Sites, shortcuts).
 */
export function googleExportOf(mimeType: string, format: GoogleDocsFormat) {
  return EXPORTS[mimeType.slice(NATIVE.length)]?.[format];
}
