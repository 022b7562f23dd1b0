import { describe, expect, it } from 'vitest';
import { extractText } from '../src/index.ts';
import { docxWith, pdfWith } from './documents.ts';

describe('extractText', () => {
  it('reads the words of a PDF page and of a Word document, a line per paragraph', async () => {
    expect(
      await extractText('scouting.pdf', 'application/pdf', pdfWith('Slot shots (left wing) beat the goalie')),
    ).toContain('Slot shots (left wing) beat the goalie');
    const docx = docxWith(['Power play review', 'Zone entries & exits < 3 s']);
    expect(
      await extractText(
        'review.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        docx,
      ),
    ).toBe('Power play review\nZone entries & exits < 3 s');
  });

  it('keeps text and Markdown whole, a CSV by its header row, and nothing of other files', async () => {
    expect(await extractText('notes.md', 'text/markdown', Buffer.from('# Faceoffs\nwon 54%'))).toBe(
      '# Faceoffs\nwon 54%',
    );
    expect(
      await extractText('shots.csv', 'text/csv', Buffer.from('player,"shot speed";zone\n12,140,slot\n')),
    ).toBe('player shot speed zone');
    expect(await extractText('clip.mp4', 'video/mp4', Buffer.from([0, 0, 0, 24, 102, 116, 121, 112]))).toBe(
      '',
    );
  });

  it('a damaged document has no text rather than an error', async () => {
    expect(await extractText('broken.pdf', 'application/pdf', Buffer.from('%PDF-1.4 not really'))).toBe('');
    expect(await extractText('broken.docx', '', Buffer.from('PK not a zip'))).toBe('');
  });
});
