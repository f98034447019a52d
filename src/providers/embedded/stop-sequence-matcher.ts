/**
 * Finds stop sequences in streamed text without ever emitting part of one.
 *
 * Text arrives in pieces; a stop sequence may straddle two pieces, so the matcher holds back the longest tail
 * of what it has seen that could still grow into a stop sequence, and releases it once it cannot.
 */
export interface StopMatch {
  /** Text that is safe to emit now. */
  text: string;
  /** A stop sequence was found; `text` ends right before it and everything after is dropped. */
  stopped: boolean;
}

export interface StopSequenceMatcherOptions {
  /**
   * Hold back trailing whitespace and drop it at the end (node-llama-cpp's JSON grammars allow endless
   * whitespace after the value; `LlamaGrammar.trimWhitespaceSuffix` asks for it to be trimmed).
   */
  trimTrailingWhitespace?: boolean;
}

export class StopSequenceMatcher {
  private readonly stops: string[];
  private readonly trimTrailingWhitespace: boolean;
  private buffer = '';

  constructor(stops: readonly string[], options: StopSequenceMatcherOptions = {}) {
    this.stops = [...new Set(stops.filter((s) => s.length > 0))];
    this.trimTrailingWhitespace = options.trimTrailingWhitespace ?? false;
  }

  push(text: string): StopMatch {
    this.buffer += text;
    let earliest = -1;
    for (const stop of this.stops) {
      const at = this.buffer.indexOf(stop);
      if (at >= 0 && (earliest < 0 || at < earliest)) earliest = at;
    }
    if (earliest >= 0) {
      const out = this.buffer.slice(0, earliest);
      this.buffer = '';
      return { text: out, stopped: true };
    }
    let hold = this.heldLength();
    if (this.trimTrailingWhitespace) {
      const kept = this.buffer.length - hold;
      hold += kept - this.buffer.slice(0, kept).trimEnd().length;
    }
    const out = this.buffer.slice(0, this.buffer.length - hold);
    this.buffer = this.buffer.slice(this.buffer.length - hold);
    return { text: out, stopped: false };
  }

  /** The text still held back, released when generation ends without a stop. */
  flush(): string {
    const out = this.trimTrailingWhitespace ? this.buffer.trimEnd() : this.buffer;
    this.buffer = '';
    return out;
  }

  /** Length of the longest suffix of the buffer that is a proper prefix of some stop sequence. */
  private heldLength(): number {
    let longest = 0;
    for (const stop of this.stops) {
      const max = Math.min(stop.length - 1, this.buffer.length);
      for (let n = max; n > longest; n--) {
        if (this.buffer.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
