/** The random helpers every form generator shares: one seeded stream, so a failing value reproduces from its seed. */
import { seededRandom } from '../../../src/testing/seeded-random.js';

export class Gen {
  readonly random: () => number;
  constructor(seed: number) {
    this.random = seededRandom(seed);
    // xorshift's first outputs for small seeds are small; burn a few so seeds 1, 2, 3 differ at once.
    for (let i = 0; i < 8; i++) this.random();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.random() * items.length)] as T;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.random() * alphabet.length)];
    return s;
  }
  pad(n: number, width: number): string {
    return String(n).padStart(width, '0');
  }
}

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;

/**
 * One planted form: `make` returns the value and a clause that holds it at `{}` (with its cue, if any).
 * `lang` is the language of the clause; `form` names the value's format and the cue's language.
 */
export interface Form {
  form: string;
  lang: string;
  make(g: Gen): { value: string; clause: string };
}
