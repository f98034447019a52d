/**
 * Check digits of national identification numbers, so a bare number is reported only when it could be one.
 * Sources: HMRC NIM39110 (NINO prefixes), BZSt (Steuer-ID, ISO 7064 MOD 11,10), INSEE (NIR key),
 * Real Decreto 1553/2005 (DNI/NIE letter), DM 23/12/1976 (codice fiscale), the Dutch "elfproef" (BSN),
 * and UIDAI (Aadhaar, Verhoeff).
 */

const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);
/** UK National Insurance number, compact `AB123456C`: no check digit, only prefix rules. */
export function ninoValid(compact: string): boolean {
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(compact)) return false;
  return !NINO_BAD_PREFIXES.has(compact.slice(0, 2));
}

/** German Steuerliche Identifikationsnummer: 11 digits, no leading 0, one digit repeated 2–3 times in the first ten. */
export function steuerIdValid(digits: string): boolean {
  if (!/^[1-9]\d{10}$/.test(digits)) return false;
  const counts = new Map<string, number>();
  for (const ch of digits.slice(0, 10)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  if (repeated.length !== 1 || (repeated[0] ?? 0) > 3) return false;
  let product = 10;
  for (const ch of digits.slice(0, 10)) {
    let sum = (Number(ch) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = (11 - product) % 10;
  return check === Number(digits[10]);
}

/** French NIR (numéro de sécurité sociale): 13 characters (2A/2B for Corsica) and a key, 97 − n mod 97. */
export function nirValid(compact: string): boolean {
  if (!/^[12]\d{2}(?:0[1-9]|1[0-2]|[2-9]\d)(?:\d{2}|2A|2B)\d{6}\d{2}$/i.test(compact)) return false;
  const body = BigInt(compact.slice(0, 13).toUpperCase().replace('2A', '19').replace('2B', '18'));
  return 97n - (body % 97n) === BigInt(compact.slice(13));
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
/** Spanish DNI (`12345678Z`) or NIE (`X1234567L`, X/Y/Z read as 0/1/2): the letter is the number mod 23. */
export function dniValid(compact: string): boolean {
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/i.exec(compact);
  if (!m) return false;
  const prefix = (m[1] ?? '').toUpperCase();
  const digits = m[2] ?? '';
  if (prefix === '' ? digits.length !== 8 : digits.length !== 7) return false;
  const number = Number(`${prefix === '' ? '' : 'XYZ'.indexOf(prefix)}${digits}`);
  return DNI_LETTERS[number % 23] === (m[3] ?? '').toUpperCase();
}

const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
/** Italian codice fiscale: 16 characters, the last a check letter over the first 15. */
export function codiceFiscaleValid(code: string): boolean {
  const cf = code.toUpperCase();
  if (!/^[A-Z]{6}[\dLMNPQRSTUV]{2}[ABCDEHLMPRST][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z]$/.test(cf)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = cf.charCodeAt(i);
    const value = ch <= 57 ? ch - 48 : ch - 65;
    // Digits share the letters' table: '0' ≙ 'A', '1' ≙ 'B', …
    sum += i % 2 === 0 ? (CF_ODD[value] ?? 0) : value;
  }
  return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

/** Dutch burgerservicenummer: 9 digits passing the 11-test (9·d1 + … + 2·d8 − d9 ≡ 0 mod 11). */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0{3}/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

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
/** Verhoeff check over a digit string whose last digit is the check digit. */
export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = D[c]?.[P[i % 8]?.[d] ?? 0] ?? 0;
  }
  return c === 0;
}

/** Indian Aadhaar: 12 digits, not starting with 0 or 1, Verhoeff-valid. */
export function aadhaarValid(digits: string): boolean {
  return /^[2-9]\d{11}$/.test(digits) && verhoeffValid(digits);
}
