import { unzipSync } from 'fflate';
import { getDocumentProxy, extractText as pdfText } from 'unpdf';

/** Text kept per file for search: enough for a document's words, bounded for a huge log. */
export const MAX_TEXT = 1_000_000;
/** A DOCX whose document part unpacks past this is not read (a zip bomb gets nothing). */
const MAX_UNZIPPED = 50 * 1024 * 1024;

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        )
      : (ENTITIES[e.toLowerCase()] ?? ''),
  );

/** A Word document's words: its runs of text (`w:t`), a line per paragraph. */
function docxText(bytes: Uint8Array): string {
  const files = unzipSync(bytes, {
    filter: (f) => f.name === 'word/document.xml' && f.originalSize <= MAX_UNZIPPED,
  });
  const xml = files['word/document.xml'];
  if (!xml) return '';
  const source = new TextDecoder().decode(xml);
  return source
    .split(/<\/w:p>/)
    .map((paragraph) =>
      [...paragraph.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decodeXml(m[1]!)).join(''),
    )
    .filter(Boolean)
    .join('\n');
}

/**
 * The searchable text of an imported file, by its media type (or name): PDF and DOCX by their
 * text, plain text and Markdown whole, a CSV by its header row (its columns are what people
 * look for; rows are data). Anything else, or a file that cannot be read, has none: search
 * still finds it by name and path.
 */
export async function extractText(name: string, mimeType: string, bytes: Uint8Array): Promise<string> {
  const lower = name.toLowerCase();
  try {
    let text = '';
    if (mimeType === 'application/pdf' || lower.endsWith('.pdf')) {
      const { text: pages } = await pdfText(await getDocumentProxy(new Uint8Array(bytes)), {
        mergePages: true,
      });
      text = pages;
    } else if (mimeType === DOCX || lower.endsWith('.docx')) {
      text = docxText(bytes);
    } else if (mimeType === 'text/csv' || lower.endsWith('.csv')) {
      const head = new TextDecoder().decode(bytes.subarray(0, 64 * 1024));
      text = head.split(/\r?\n/, 1)[0]!.replaceAll(/[",;\t]+/g, ' ');
    } else if (mimeType.startsWith('text/') || /\.(md|markdown|txt|log)$/.test(lower)) {
      text = new TextDecoder().decode(bytes.subarray(0, MAX_TEXT * 4));
    }
    return text.replaceAll('\u0000', '').slice(0, MAX_TEXT);
  } catch {
    return ''; // a damaged or encrypted document: findable by name only
  }
}
