/**
 * Turns generated tokens into text one token at a time.
 *
 * Two things make this more than `detokenize([token])`: a character can be split over several byte tokens
 * (SentencePiece byte fallback, BPE byte pieces), so text is released only once it decodes without a
 * trailing U+FFFD; and SentencePiece drops a token's leading space at the start of a text, so every piece is
 * decoded with the tokens before it as context.
 */
export type Detokenize<T> = (tokens: readonly T[], lastTokens: readonly T[]) => string;

/** A UTF-8 character is at most 4 bytes, so a longer run of undecodable tokens is emitted as is. */
const MAX_PENDING = 4;
const CONTEXT_TOKENS = 8;
const REPLACEMENT_CHARACTER = '\uFFFD';

export class IncrementalDetokenizer<T = number> {
  private pending: T[] = [];
  private context: T[];

  constructor(
    private readonly detokenize: Detokenize<T>,
    /** The tokens just before the first generated one (the prompt's tail). */
    context: readonly T[],
  ) {
    this.context = context.slice(-CONTEXT_TOKENS);
  }

  push(token: T): string {
    this.pending.push(token);
    const text = this.detokenize(this.pending, this.context);
    if (text.endsWith(REPLACEMENT_CHARACTER) && this.pending.length < MAX_PENDING) return '';
    this.context = [...this.context, ...this.pending].slice(-CONTEXT_TOKENS);
    this.pending = [];
    return text;
  }

  flush(): string {
    if (this.pending.length === 0) return '';
    const text = this.detokenize(this.pending, this.context);
    this.pending = [];
    return text;
  }
}
