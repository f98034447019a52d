/**
 * Dense prompt statistics that generalise across tasks: how long, how numeric, what kind of question,
 * how many options, negations, math and code cues. Each lands in a fixed slot (0..PROMPT_STAT_COUNT-1)
 * of the feature space, scaled to roughly [0, 1] so one regularisation strength suits them all.
 */
import { FNV_OFFSET, hashString, type FeatureBuffer } from './feature-hasher.js';

export const PROMPT_STAT_NAMES = [
  'bias',
  'log_chars',
  'log_words',
  'len_lt_150',
  'len_150_300',
  'len_300_600',
  'len_600_1200',
  'len_ge_1200',
  'lines',
  'sentences',
  'question_marks',
  'numbers',
  'avg_number_len',
  'decimals',
  'percent',
  'money',
  'fraction',
  'big_number',
  'digit_ratio',
  'upper_ratio',
  'avg_word_len',
  'long_word_ratio',
  'options',
  'option_avg_len',
  'option_max_len',
  'numeric_options',
  'roman_options',
  'all_none_of_above',
  'negation',
  'which_of_following',
  'statement_pairs',
  'scenario_pairs',
  'passage',
  'math_symbols',
  'latex',
  'code',
  'how_many',
  'multi_step_words',
  'time_units',
  'rate_words',
  'comparison_words',
  'number_words',
] as const;

export const PROMPT_STAT_COUNT = PROMPT_STAT_NAMES.length;

const CUE_GROUPS: Record<number, readonly string[]> = {
  28: ['not', 'except', 'least', 'false', 'incorrect', 'never'],
  37: ['each', 'per', 'every', 'total', 'remaining', 'left', 'rest', 'twice', 'half', 'times', 'then', 'after', 'fewer'],
  38: ['hour', 'hours', 'minute', 'minutes', 'day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years', 'second', 'seconds'],
  39: ['rate', 'speed', 'mph', 'hourly', 'daily', 'weekly', 'monthly', 'average'],
  40: ['more', 'less', 'older', 'younger', 'faster', 'slower', 'longer', 'shorter', 'than'],
  41: ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'twelve', 'twenty', 'hundred', 'thousand', 'dozen', 'third', 'quarter'],
  35: ['def', 'return', 'function', 'printf', 'var', 'const', 'int', 'void', 'println'],
};

/**
 * FNV-1a hash of a lowercase word -> the statistic slot it counts towards, as an open-addressing table of
 * int32 keys: a Map keyed by uint32 hashes boxes every key above 2^31 and made the statistics allocate
 * once per word on the scoring hot path.
 */
const CUE_TABLE_SIZE = 512;
const CUE_KEYS = new Int32Array(CUE_TABLE_SIZE);
const CUE_SLOTS = new Int8Array(CUE_TABLE_SIZE).fill(-1);
for (const [slot, words] of Object.entries(CUE_GROUPS)) {
  for (const w of words) {
    const hash = hashString(w) | 0;
    let k = hash & (CUE_TABLE_SIZE - 1);
    while (CUE_SLOTS[k] !== -1 && CUE_KEYS[k] !== hash) k = (k + 1) & (CUE_TABLE_SIZE - 1);
    CUE_KEYS[k] = hash;
    CUE_SLOTS[k] = Number(slot);
  }
}

/** The slot of the cue word with this FNV-1a hash, or -1. */
function cueSlot(hash: number): number {
  const key = hash | 0;
  for (let k = key & (CUE_TABLE_SIZE - 1); ; k = (k + 1) & (CUE_TABLE_SIZE - 1)) {
    const slot = CUE_SLOTS[k] as number;
    if (slot === -1 || CUE_KEYS[k] === key) return slot;
  }
}

/** Character classes of the ASCII codes, as bit flags (the shifts in the loop rely on these positions). */
const DIGIT = 1;
const UPPER = 2;
const LOWER = 4;
const QUESTION = 8;
const SENTENCE_END = 16;
const MATH = 32;
const SLASH = 64;
const CHAR_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CHAR_CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CHAR_CLASS[c] = UPPER;
for (let c = 97; c <= 122; c++) CHAR_CLASS[c] = LOWER;
CHAR_CLASS[63] = QUESTION | SENTENCE_END; // ?
CHAR_CLASS[46] = SENTENCE_END; // .
CHAR_CLASS[33] = SENTENCE_END; // !
for (const c of [61, 43, 42, 94, 92]) CHAR_CLASS[c] = MATH; // = + * ^ backslash (and √ π above 127)
CHAR_CLASS[47] = SLASH;
/** % $ ^ and backslash: seen at all (for the statistics that once asked `text.includes` of each). */
const RARE = 128;
CHAR_CLASS[37] = RARE;
CHAR_CLASS[36] = RARE;
CHAR_CLASS[94] = MATH | RARE;
CHAR_CLASS[92] = MATH | RARE;
const RARE_PERCENT = 1;
const RARE_DOLLAR = 2;
const RARE_CARET = 4;
const RARE_BACKSLASH = 8;

const squash = (x: number, scale: number): number => Math.log1p(x) / Math.log1p(scale);
const counts = new Float64Array(64);

export function promptStatistics(text: string, out: FeatureBuffer, weight = 1, offset = 0): void {
  const v = computePromptStatistics(text);
  for (let i = 0; i < PROMPT_STAT_COUNT; i++) {
    const x = v[i] as number;
    if (x !== 0) out.push(offset + i, x * weight);
  }
}

/** sum_i table[offset + i] * weight * stat_i: the statistics' share of a linear score, with no buffer. */
export function promptStatisticsDot(text: string, table: Float64Array, weight = 1, offset = 0): number {
  const v = computePromptStatistics(text);
  let z = 0;
  for (let i = 0; i < PROMPT_STAT_COUNT; i++) {
    const x = v[i] as number;
    if (x !== 0) z += (table[offset + i] as number) * (x * weight);
  }
  return z;
}

/** The statistics of `text` in slots 0..PROMPT_STAT_COUNT-1 of a module-level scratch array (not re-entrant). */
function computePromptStatistics(text: string): Float64Array {
  const v = counts;
  v.fill(0);
  const chars = text.length;
  let words = 0;
  let wordChars = 0;
  let longWords = 0;
  let digits = 0;
  let upper = 0;
  let letters = 0;
  let wordLen = 0;
  // FNV-1a kept as int32 (the same 32 bits as fnvStep's uint32, without V8 boxing it as a double).
  let wordHash = FNV_OFFSET | 0;
  let wordIsNumber = true;
  let wordHasDot = false;
  let questionMarks = 0;
  let sentences = 0;
  let mathSymbols = 0;
  let numbers = 0;
  let decimals = 0;
  let bigNumbers = 0;
  let numberSum = 0;
  let lines = 1;
  let lineStart = true;
  let options = 0;
  let optionChars = 0;
  let optionMax = 0;
  let numericOptions = 0;
  let romanOptions = 0;
  let inOption = false;
  let optionLen = 0;
  let optionDigits = 0;
  let optionLetters = 0;
  let fraction = false;
  let negationUpper = false;
  let upperRun = 0;
  let rare = 0;
  for (let i = 0; i <= chars; i++) {
    const c = i < chars ? text.charCodeAt(i) : 10;
    // One table read classifies the char; the counts add bits instead of branching on each test.
    const k = c < 128 ? (CHAR_CLASS[c] as number) : c === 8730 || c === 960 ? MATH : 0;
    const isDigit = (k & DIGIT) !== 0;
    const isUpper = (k & UPPER) !== 0;
    const isLetter = (k & (UPPER | LOWER)) !== 0;
    digits += k & DIGIT;
    upper += (k & UPPER) >> 1;
    letters += ((k | (k >> 1)) & UPPER) >> 1;
    questionMarks += (k & QUESTION) >> 3;
    sentences += (k & SENTENCE_END) >> 4;
    mathSymbols += (k & MATH) >> 5;
    if ((k & SLASH) !== 0 && isDigitAt(text, i - 1) && isDigitAt(text, i + 1)) fraction = true;
    if ((k & RARE) !== 0) rare |= c === 37 ? RARE_PERCENT : c === 36 ? RARE_DOLLAR : c === 94 ? RARE_CARET : RARE_BACKSLASH;
    if (isLetter || isDigit || (wordLen > 0 && wordIsNumber && (c === 44 || c === 46) && isDigitAt(text, i + 1))) {
      if (c === 46) wordHasDot = true;
      if (!isDigit && c !== 44 && c !== 46) wordIsNumber = false;
      wordHash = Math.imul(wordHash ^ (isUpper ? c + 32 : c), 0x01000193);
      wordLen++;
      upperRun = isUpper ? upperRun + 1 : 0;
    } else if (wordLen > 0) {
      words++;
      wordChars += wordLen;
      if (wordLen >= 9) longWords++;
      if (wordIsNumber) {
        numbers++;
        numberSum += wordLen;
        if (wordHasDot) decimals++;
        if (wordLen >= 4) bigNumbers++;
      } else {
        const slot = cueSlot(wordHash);
        if (slot !== -1) v[slot] = (v[slot] as number) + 1;
        // Upper-case NOT / EXCEPT / LEAST flag a negated question.
        if (slot === 28 && upperRun === wordLen) negationUpper = true;
      }
      wordLen = 0;
      wordHash = FNV_OFFSET | 0;
      wordIsNumber = true;
      wordHasDot = false;
      upperRun = 0;
    }
    if (inOption) {
      optionLen++;
      optionDigits += k & DIGIT;
      if (!isDigit && isLetter) optionLetters++;
    }
    if (c === 10) {
      if (inOption) {
        options++;
        optionChars += optionLen;
        optionMax = Math.max(optionMax, optionLen);
        if (optionDigits > 0 && optionLetters <= 3) numericOptions++;
        inOption = false;
      }
      if (i < chars) lines++;
      lineStart = true;
    } else if (lineStart) {
      lineStart = false;
      // An option line: "A. text" / "B) text" / "(C) text".
      let j = i;
      if (c === 40) j++;
      const letter = text.charCodeAt(j);
      const mark = text.charCodeAt(j + 1);
      if (letter >= 65 && letter <= 74 && (mark === 46 || mark === 41) && text.charCodeAt(j + 2) === 32) {
        inOption = true;
        optionLen = optionDigits = optionLetters = 0;
        if (text.startsWith('I', j + 3) && /^I{1,3}V?\b/.test(text.slice(j + 3, j + 8))) romanOptions++;
      }
    }
  }

  v[0] = 1;
  v[1] = squash(chars, 4000);
  v[2] = squash(words, 700);
  v[3] = chars < 150 ? 1 : 0;
  v[4] = chars >= 150 && chars < 300 ? 1 : 0;
  v[5] = chars >= 300 && chars < 600 ? 1 : 0;
  v[6] = chars >= 600 && chars < 1200 ? 1 : 0;
  v[7] = chars >= 1200 ? 1 : 0;
  v[8] = squash(lines, 60);
  v[9] = squash(sentences, 40);
  v[10] = squash(questionMarks, 5);
  v[11] = squash(numbers, 30);
  v[12] = squash(numbers ? numberSum / numbers : 0, 8);
  v[13] = decimals > 0 ? 1 : 0;
  v[14] = (rare & RARE_PERCENT) !== 0 || text.includes('percent') ? 1 : 0;
  v[15] = (rare & RARE_DOLLAR) !== 0 ? 1 : 0;
  v[16] = fraction ? 1 : 0;
  v[17] = bigNumbers > 0 ? 1 : 0;
  v[18] = chars ? Math.min(1, (5 * digits) / chars) : 0;
  v[19] = letters ? Math.min(1, (5 * upper) / letters) : 0;
  v[20] = words ? Math.min(1, wordChars / words / 10) : 0;
  v[21] = words ? Math.min(1, (4 * longWords) / words) : 0;
  v[22] = Math.min(1, options / 5);
  v[23] = options ? squash(optionChars / options, 200) : 0;
  v[24] = squash(optionMax, 400);
  v[25] = options ? numericOptions / options : 0;
  v[26] = options ? romanOptions / options : 0;
  v[27] = text.includes(' of the above') ? 1 : 0;
  v[28] = negationUpper ? 1 : squash(v[28] as number, 4) * 0.5;
  const following = text.includes('following');
  v[29] = following && text.includes('hich of the following') ? 1 : 0;
  v[30] = text.includes('Statement 1') ? 1 : 0;
  v[31] = text.includes('Scenario 1') ? 1 : 0;
  v[32] = following && (text.includes('refers to the following') || text.includes('following passage')) ? 1 : 0;
  v[33] = squash(mathSymbols, 20);
  v[34] = (rare & RARE_CARET) !== 0 || ((rare & RARE_BACKSLASH) !== 0 && (text.includes('\\frac') || text.includes('\\sqrt'))) ? 1 : 0;
  v[35] = squash(v[35] as number, 6);
  v[36] = text.includes('ow m') && (text.includes('ow many') || text.includes('ow much')) ? 1 : 0;
  v[37] = squash(v[37] as number, 15);
  v[38] = squash(v[38] as number, 8);
  v[39] = squash(v[39] as number, 8);
  v[40] = squash(v[40] as number, 8);
  v[41] = squash(v[41] as number, 8);
  return v;
}

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}
