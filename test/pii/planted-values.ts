/**
 * Planted personal values for detector and leak benchmarks: seeded, deterministic, many forms per type in
 * several languages, each value inside a sentence with varied surroundings (start or end of the text,
 * quotes, brackets, JSON, line breaks, trailing punctuation). Structured types only; names are generated
 * elsewhere. `benignSentences` gives hard negatives: numbers, dates and codes that are not personal data.
 *
 * Shared by bench/pii-eval.ts, the detectors' tests and the gateway leak bench.
 */
import type { PiiType } from '../../src/privacy/pii-finding.js';
import { ADDRESS_FORMS, EMAIL_FORMS, IP_FORMS, PHONE_FORMS } from './planted/contact-forms.js';
import { API_KEY_FORMS, CARD_FORMS, IBAN_FORMS, SECRET_FORMS } from './planted/finance-secret-forms.js';
import { type Form, Gen } from './planted/gen.js';
import { DOB_FORMS, NATIONAL_ID_FORMS, PASSPORT_FORMS, SSN_FORMS } from './planted/identity-forms.js';
import { benignSentencesFrom } from './planted/benign-sentences.js';

export interface PlantedValue {
  type: PiiType;
  value: string;
  /** Contains `value` verbatim exactly once. */
  sentence: string;
  lang: string;
  /** The value's format (and cue language), e.g. `dob-dd-mon-yyyy-de-cue`. */
  form: string;
}

/** The forms of every structured type the generator plants. */
export const PLANTED_FORMS: Readonly<Partial<Record<PiiType, readonly Form[]>>> = {
  EMAIL_ADDRESS: EMAIL_FORMS,
  PHONE_NUMBER: PHONE_FORMS,
  CREDIT_CARD: CARD_FORMS,
  IBAN_CODE: IBAN_FORMS,
  US_SSN: SSN_FORMS,
  PASSPORT: PASSPORT_FORMS,
  NATIONAL_ID: NATIONAL_ID_FORMS,
  IP_ADDRESS: IP_FORMS,
  DATE_OF_BIRTH: DOB_FORMS,
  STREET_ADDRESS: ADDRESS_FORMS,
  API_KEY: API_KEY_FORMS,
  SECRET: SECRET_FORMS,
};

export const PLANTED_TYPES: readonly PiiType[] = Object.keys(PLANTED_FORMS) as PiiType[];

const FILLER: Record<string, readonly string[]> = {
  en: [
    'Please update my account.',
    'Can you help with the form?',
    'Thanks in advance',
    'See the details below',
    'Hi team,',
    'Quick question about my application',
    'Here is what I have:',
  ],
  de: ['Bitte aktualisieren Sie meine Daten.', 'Können Sie mir helfen?', 'Vielen Dank', 'Hier die Angaben:', 'Hallo zusammen,'],
  fr: ['Merci de mettre à jour mon dossier.', 'Pouvez-vous m’aider ?', 'Bonjour,', 'Voici mes informations :', 'Cordialement'],
  es: ['Por favor actualicen mis datos.', '¿Me pueden ayudar?', 'Hola,', 'Estos son mis datos:', 'Gracias'],
  it: ['Per favore aggiornate i miei dati.', 'Potete aiutarmi?', 'Buongiorno,', 'Ecco i miei dati:', 'Grazie'],
  nl: ['Wilt u mijn gegevens bijwerken?', 'Kunt u mij helpen?', 'Hallo,', 'Hier zijn mijn gegevens:', 'Bedankt'],
  pt: ['Por favor atualizem os meus dados.', 'Podem ajudar-me?', 'Olá,', 'Seguem os meus dados:', 'Obrigado'],
};

/** Around the value inside its clause; skipped where the clause already quotes it or it sits inside a URL. */
const VALUE_WRAPS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['(', ')'],
  ['[', ']'],
  ['«', '»'],
  ['“', '”'],
  ['`', '`'],
  ['*', '*'],
];

/** Where the clause goes in the text; `c` is the clause, `a` and `b` filler sentences. */
const PLACEMENTS: ReadonlyArray<(c: string, a: string, b: string) => string> = [
  (c) => c,
  (c, a) => `${c}. ${a}`,
  (c, a) => `${c}\n${a}`,
  (c, a) => `${a} ${c}`,
  (c, a) => `${a} ${c}.`,
  (c, a) => `${a} ${c}!`,
  (c, a) => `${a} ${c}?`,
  (c, a) => `${a} ${c};`,
  (c, a, b) => `${a}\n${c}\n${b}`,
  (c, a, b) => `${a}\n\n${c}\n\n${b}`,
  (c, a, b) => `${a} (${c}) ${b}`,
  (c, a) => `${a}\n- ${c}\n- ok`,
  (c, a) => `${a}\n| field | ${c} |`,
  (c) => JSON.stringify({ note: c }),
  (c, a) => JSON.stringify({ message: a, detail: c }, null, 2),
  (c, a) => `${a} ${c}, ${a.toLowerCase()}`,
  (c, a) => `${a}\t${c}\r\n`,
  (c, a) => `> ${c}\n${a}`,
];

function plantOne(g: Gen, type: PiiType, forms: readonly Form[]): PlantedValue {
  for (;;) {
    const form = g.pick(forms);
    const { value, clause } = form.make(g);
    const quoted = /["'`([]\{\}|\{\}["'`)\]]/.test(clause) || /[/:@=]\{\}|\{\}[@:]/.test(clause);
    const wrap = !quoted && g.chance(0.25) ? g.pick(VALUE_WRAPS) : (['', ''] as const);
    const filled = clause.replace('{}', `${wrap[0]}${value}${wrap[1]}`);
    const fillers = FILLER[form.lang] ?? FILLER.en!;
    const sentence = g.pick(PLACEMENTS)(filled, g.pick(fillers), g.pick(fillers));
    // JSON escaping or a filler may change or repeat the value; such a draw is simply redrawn.
    if (sentence.indexOf(value) === -1 || sentence.indexOf(value) !== sentence.lastIndexOf(value)) continue;
    return { type, value, sentence, lang: form.lang, form: form.form };
  }
}

export function plantedValues(options: { seed: number; count: number; types?: readonly PiiType[] }): PlantedValue[] {
  const types = (options.types ?? PLANTED_TYPES).filter((t) => PLANTED_FORMS[t] !== undefined);
  if (types.length === 0) throw new Error(`no planted forms for ${String(options.types)}`);
  const g = new Gen(options.seed);
  const out: PlantedValue[] = [];
  for (let i = 0; i < options.count; i++) {
    const type = types[i % types.length]!;
    out.push(plantOne(g, type, PLANTED_FORMS[type]!));
  }
  return out;
}

export function benignSentences(options: { seed: number; count: number }): string[] {
  return benignSentencesFrom(new Gen(options.seed), options.count);
}
