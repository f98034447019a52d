/**
 * Month names and their usual abbreviations in English, German, French, Spanish, Italian, Dutch and
 * Portuguese. A token counts as a month when it is one of these, or the first three or more letters of a
 * full name ("Okt", "déc", "giu"), with or without accents; `monthNumber` returns 1–12, or 0 for any other word.
 */
const NAMES: ReadonlyArray<readonly string[]> = [
  ['january', 'januar', 'janvier', 'enero', 'gennaio', 'januari', 'janeiro', 'jänner', 'janv'],
  ['february', 'februar', 'février', 'febrero', 'febbraio', 'februari', 'fevereiro', 'févr', 'fév'],
  ['march', 'märz', 'mars', 'marzo', 'maart', 'março', 'mrz', 'mrt', 'maerz'],
  ['april', 'avril', 'abril', 'aprile', 'avr'],
  ['may', 'mai', 'mayo', 'maggio', 'mei', 'maio'],
  ['june', 'juni', 'juin', 'junio', 'giugno', 'junho'],
  ['july', 'juli', 'juillet', 'julio', 'luglio', 'julho', 'juil'],
  ['august', 'août', 'agosto', 'augustus', 'aout'],
  ['september', 'septembre', 'septiembre', 'settembre', 'setembro', 'setiembre', 'sept'],
  ['october', 'oktober', 'octobre', 'octubre', 'ottobre', 'outubro'],
  ['november', 'novembre', 'noviembre', 'novembro'],
  ['december', 'dezember', 'décembre', 'diciembre', 'dicembre', 'dezembro', 'decembre'],
];

const strip = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '');

const LOOKUP = new Map<string, number>();
NAMES.forEach((names, i) => {
  for (const name of names) {
    for (const form of new Set([name, strip(name)])) {
      LOOKUP.set(form, i + 1);
      // Every prefix of three or more letters ("Okt", "déc", "giu"); a prefix two months share ("jui")
      // keeps the first: detection only needs to know that the word is a month.
      for (let len = 3; len < form.length; len++) {
        const prefix = form.slice(0, len);
        if (!LOOKUP.has(prefix)) LOOKUP.set(prefix, i + 1);
      }
    }
  }
});
export function monthNumber(token: string): number {
  return LOOKUP.get(token.toLowerCase().replace(/\.$/, '')) ?? 0;
}
