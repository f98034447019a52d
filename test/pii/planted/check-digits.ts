/**
 * Check digits for the generator's values, written apart from the detectors' validators on purpose: a value
 * both accept is valid by two implementations, and the detectors' tests also check published examples.
 */

export function luhnComplete(prefix: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = prefix + String(check);
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let d = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

export function ibanFor(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of rearranged) rest = (rest * 10 + Number(ch)) % 97;
  return `${country}${String(98 - rest).padStart(2, '0')}${bban}`;
}

// Verhoeff (Aadhaar): dihedral group D5 multiplication, permutation and inverse tables.
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

export function verhoeffComplete(prefix: string): string {
  let c = 0;
  const digits = prefix.split('').reverse();
  for (let i = 0; i < digits.length; i++) c = D[c]![P[(i + 1) % 8]![Number(digits[i])]!]!;
  return prefix + String(INV[c]);
}

/** German Steuer-ID: ISO 7064 MOD 11,10 over the first ten digits. */
export function steuerIdComplete(ten: string): string {
  let product = 10;
  for (const ch of ten) {
    let sum = (Number(ch) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return ten + String(check === 10 ? 0 : check);
}

/** French NIR: 13 digits (Corsica's 2A/2B counted as 19/18) and the key 97 - n mod 97. */
export function nirKey(thirteen: string): string {
  const n = BigInt(thirteen.replace('2A', '19').replace('2B', '18'));
  return String(97n - (n % 97n)).padStart(2, '0');
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
export function dniLetter(number: number): string {
  return DNI_LETTERS[number % 23]!;
}

const CF_ODD: Record<string, number> = {
  0: 1,
  1: 0,
  2: 5,
  3: 7,
  4: 9,
  5: 13,
  6: 15,
  7: 17,
  8: 19,
  9: 21,
  A: 1,
  B: 0,
  C: 5,
  D: 7,
  E: 9,
  F: 13,
  G: 15,
  H: 17,
  I: 19,
  J: 21,
  K: 2,
  L: 4,
  M: 18,
  N: 20,
  O: 11,
  P: 3,
  Q: 6,
  R: 8,
  S: 12,
  T: 14,
  U: 16,
  V: 10,
  W: 22,
  X: 25,
  Y: 24,
  Z: 23,
};
/** Italian codice fiscale: the 16th character from the first 15 (odd positions by table, even by value). */
export function codiceFiscaleComplete(fifteen: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = fifteen[i]!;
    if (i % 2 === 0) sum += CF_ODD[ch]!;
    else sum += /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65;
  }
  return fifteen + String.fromCharCode(65 + (sum % 26));
}

/** Dutch BSN: the "elfproef", 9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11. Null when no ninth digit fits. */
export function bsnComplete(eight: string): string | null {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(eight[i]);
  const check = sum % 11;
  return check === 10 ? null : eight + String(check);
}
