/**
 * Turns an ingested file into text sections by its type: plain text and Markdown as they are (one section),
 * PDF page by page (unpdf, imported only when a PDF comes), JSONL one section per record from a configurable
 * field. Chunks never span sections, so a JSONL record or a PDF page is never mixed with the next one.
 * An unsupported type, a file without text, or a malformed JSONL line is a DocumentError that names it.
 */
import { extname } from 'node:path';

export type DocumentType = 'text' | 'markdown' | 'pdf' | 'jsonl';

export interface DocumentSection {
  text: string;
  /** Offset of this section in the document's extracted text (sections joined by a blank line). */
  offset: number;
}

export interface ReadOptions {
  /** The JSONL field that holds each record's text (default `text`). */
  textField?: string;
}

export class DocumentError extends Error {
  constructor(
    message: string,
    /** `unsupported_type` (400), `empty_document` (400) or `invalid_document` (400). */
    readonly code: 'unsupported_type' | 'empty_document' | 'invalid_document',
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

const EXTENSIONS: Readonly<Record<string, DocumentType>> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.pdf': 'pdf',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

/** The type a source's name says, or a DocumentError naming the types Tandem reads. */
export function documentType(source: string): DocumentType {
  const type = EXTENSIONS[extname(source).toLowerCase()];
  if (type === undefined) {
    throw new DocumentError(
      `${source}: unsupported file type "${extname(source) || '(none)'}"; Tandem ingests ${SUPPORTED_EXTENSIONS.join(', ')}`,
      'unsupported_type',
    );
  }
  return type;
}

export async function readDocument(source: string, type: DocumentType, bytes: Uint8Array, options: ReadOptions = {}): Promise<DocumentSection[]> {
  const texts = await sectionTexts(source, type, bytes, options);
  const sections: DocumentSection[] = [];
  let offset = 0;
  for (const text of texts) {
    if (text.trim() === '') continue;
    sections.push({ text, offset });
    offset += text.length + 2;
  }
  if (sections.length === 0) throw new DocumentError(`${source}: the document has no text to ingest`, 'empty_document');
  return sections;
}

async function sectionTexts(source: string, type: DocumentType, bytes: Uint8Array, options: ReadOptions): Promise<string[]> {
  switch (type) {
    case 'text':
    case 'markdown':
      return [utf8(source, bytes)];
    case 'jsonl':
      return jsonlTexts(source, utf8(source, bytes), options.textField ?? 'text');
    case 'pdf':
      return pdfPages(source, bytes);
  }
}

function utf8(source: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DocumentError(`${source}: not valid UTF-8 text`, 'invalid_document');
  }
}

function jsonlTexts(source: string, content: string, field: string): string[] {
  const texts: string[] = [];
  for (const [index, line] of content.split('\n').entries()) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new DocumentError(`${source}: line ${index + 1} is not JSON`, 'invalid_document');
    }
    const value = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[field] : undefined;
    if (typeof value !== 'string') {
      throw new DocumentError(
        `${source}: line ${index + 1} has no string field "${field}" (set the text field with --text-field or text_field)`,
        'invalid_document',
      );
    }
    texts.push(value);
  }
  return texts;
}

async function pdfPages(source: string, bytes: Uint8Array): Promise<string[]> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      const { text } = await extractText(pdf, { mergePages: false });
      return text;
    } finally {
      await pdf.destroy();
    }
  } catch (error) {
    throw new DocumentError(`${source}: not a readable PDF (${error instanceof Error ? error.message : String(error)})`, 'invalid_document');
  }
}
