/**
 * Person names in a text, by the name tagger: tokenise, look tokens up in the lexicon, tag candidates
 * left to right, join tagged runs into spans. Scratch buffers are reused between calls (detection is
 * synchronous, so one set serves the process).
 */
import type { PiiFinding } from '../pii-finding.js';
import { computeLexBits } from './name-features.js';
import type { Lexicon } from './name-lexicon.js';
import { anchorListedNames, calibrated, createTagScratch, spansOf, tagTokens, thresholdFor, type NameWeights } from './name-tagger.js';
import { createTokenBuffer, tokenize } from './name-tokens.js';

const tokens = createTokenBuffer();
const scratch = createTagScratch();
let lexBits: Uint16Array = new Uint16Array(512);
const MAX_CONFIDENCE = 0.85;

export interface NameTaggerSetup {
  model: NameWeights;
  lexicon: Lexicon;
}

export function findNames(text: string, setup: NameTaggerSetup): PiiFinding[] {
  tokenize(text, tokens);
  lexBits = computeLexBits(tokens, setup.lexicon, lexBits);
  const input = { tokens, lexBits, lexicon: setup.lexicon };
  tagTokens(input, setup.model, scratch);
  anchorListedNames(text, input, setup.model, scratch);
  return spansOf(text, tokens, scratch, lexBits, setup.lexicon).map((s) => ({
    type: 'PERSON' as const,
    start: s.start,
    end: s.end,
    // Capped: a statistical guess at a name must not outrank a checksum- or format-anchored finding
    // (a card, a key, an address) when overlaps are resolved by confidence.
    confidence: Math.min(MAX_CONFIDENCE, calibrated(setup.model, s.score, thresholdFor(setup.model, tokens, s.firstToken))),
  }));
}
