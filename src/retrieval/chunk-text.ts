/**
 * Splits a document's text into chunks for retrieval: about `maxChars` each (800 by default: a few
 * paragraphs, ~200 tokens), ending on a paragraph break when one falls in the chunk's second half, else on
 * a sentence end, else on whitespace; each chunk repeats up to `overlapChars` (default 100) of whole
 * sentences from the end of the one before, so a fact split across a boundary is still whole in one chunk.
 * Offsets are into the original text, so a chunk can be traced back to where it came from.
 */

export interface ChunkOptions {
  maxChars: number;
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxChars: 800, overlapChars: 100 };

export interface TextChunk {
  /** [start, end) in the source text. */
  start: number;
  end: number;
  text: string;
}

interface Piece {
  start: number;
  end: number;
  /** A paragraph break follows this piece. */
  paragraphEnd: boolean;
}

export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNKING): TextChunk[] {
  const maxChars = Math.max(1, Math.floor(options.maxChars));
  const overlap = Math.max(0, Math.min(Math.floor(options.overlapChars), Math.floor(maxChars / 2)));
  const pieces = splitPieces(text, maxChars);
  const chunks: TextChunk[] = [];
  let i = 0;
  while (i < pieces.length) {
    const first = pieces[i] as Piece;
    let j = i + 1;
    while (j < pieces.length && (pieces[j] as Piece).end - first.start <= maxChars) j++;
    // Prefer ending on a paragraph break in the chunk's second half.
    if (j < pieces.length) {
      for (let k = j - 1; k > i; k--) {
        const piece = pieces[k] as Piece;
        if (piece.end - first.start < maxChars / 2) break;
        if (piece.paragraphEnd) {
          j = k + 1;
          break;
        }
      }
    }
    const last = pieces[j - 1] as Piece;
    chunks.push({ start: first.start, end: last.end, text: text.slice(first.start, last.end) });
    if (j >= pieces.length) break;
    // The next chunk starts with the whole sentences that end this one, up to `overlap` characters, as long
    // as the first new piece still fits beside them (else the overlap would be a chunk of its own).
    const fresh = (pieces[j] as Piece).end;
    let next = j;
    while (next - 1 > i) {
      const start = (pieces[next - 1] as Piece).start;
      if (last.end - start > overlap || fresh - start > maxChars) break;
      next--;
    }
    i = next;
  }
  return chunks;
}

/** Sentences (and hard splits of over-long ones) with offsets, trimmed, blank ones dropped. */
function splitPieces(text: string, maxChars: number): Piece[] {
  const pieces: Piece[] = [];
  const paragraphs = /\S[\s\S]*?(?=\n[ \t]*\n|\s*$)/g;
  for (const paragraph of text.matchAll(paragraphs)) {
    const start = paragraph.index;
    const body = paragraph[0];
    const sentences = /[^\s][\s\S]*?(?:[.!?。](?=\s)|$)/g;
    const inParagraph: Piece[] = [];
    for (const sentence of body.matchAll(sentences)) {
      const s = start + sentence.index;
      const e = s + sentence[0].trimEnd().length;
      for (const part of hardSplit(text, s, e, maxChars)) inParagraph.push({ ...part, paragraphEnd: false });
    }
    const last = inParagraph.at(-1);
    if (last) last.paragraphEnd = true;
    pieces.push(...inParagraph);
  }
  return pieces;
}

/** [s, e) in pieces of at most maxChars, cut at the last whitespace before the limit when there is one. */
function hardSplit(text: string, s: number, e: number, maxChars: number): Array<{ start: number; end: number }> {
  const parts: Array<{ start: number; end: number }> = [];
  let start = s;
  while (e - start > maxChars) {
    let cut = start + maxChars;
    const space = text.lastIndexOf(' ', cut);
    if (space > start + maxChars / 2) cut = space;
    parts.push({ start, end: cut });
    start = cut;
    while (start < e && /\s/.test(text[start] as string)) start++;
  }
  if (e > start) parts.push({ start, end: e });
  return parts;
}
