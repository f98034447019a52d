/** Dates of birth, passports, national ID numbers and US SSNs, each with the cue words of several languages. */
import { bsnComplete, codiceFiscaleComplete, dniLetter, nirKey, steuerIdComplete, verhoeffComplete } from './check-digits.js';
import { DIGITS, type Form, type Gen, UPPER } from './gen.js';

const MONTHS: Record<string, readonly string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  pt: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
};

/** Birth cues per language; `{}` is where the date goes (a cue may follow the date). */
export const BIRTH_CUES: Record<string, readonly string[]> = {
  en: [
    'DOB: {}',
    'D.O.B. {}',
    'date of birth: {}',
    'Date of Birth {}',
    'born on {}',
    'I was born {}',
    'birthday: {}',
    'birthdate {}',
    'b. {}',
    '{} is my date of birth',
    'dob={}',
    'Born: {}',
  ],
  de: ['Geburtsdatum: {}', 'geboren am {}', 'geb. {}', 'Geb.-Datum {}', 'Geburtstag: {}', 'ich bin am {} geboren'],
  fr: ['né le {}', 'née le {}', 'date de naissance : {}', 'Date de naissance: {}', 'Né(e) le {}', 'je suis né le {}'],
  es: ['fecha de nacimiento: {}', 'nacido el {}', 'nacida el {}', 'F. nacimiento {}', 'Fecha de Nacimiento {}', 'nací el {}'],
  it: ['data di nascita: {}', 'nato il {}', 'nata il {}', 'Data di nascita {}', 'sono nato il {}'],
  nl: ['geboortedatum: {}', 'geboren op {}', 'Geboortedatum {}', 'ik ben geboren op {}'],
  pt: ['data de nascimento: {}', 'nascido em {}', 'nascida em {}', 'Data de Nascimento {}', 'nasci em {}'],
};

interface Ymd {
  y: number;
  m: number;
  d: number;
}
function birthDate(g: Gen): Ymd {
  return { y: g.int(1930, 2012), m: g.int(1, 12), d: g.int(1, 28) };
}
const p2 = (n: number): string => String(n).padStart(2, '0');
const abbrev = (month: string): string => month.slice(0, 3);

/** Numeric and month-name date shapes; the month-name ones take the month list of `lang`. */
const DATE_SHAPES: Array<{ name: string; langs?: readonly string[]; make(d: Ymd, lang: string, g: Gen): string }> = [
  { name: 'dd/mm/yyyy', make: (d) => `${p2(d.d)}/${p2(d.m)}/${d.y}` },
  { name: 'mm/dd/yyyy', langs: ['en'], make: (d) => `${p2(d.m)}/${p2(d.d)}/${d.y}` },
  { name: 'd/m/yyyy', make: (d) => `${d.d}/${d.m}/${d.y}` },
  { name: 'dd.mm.yyyy', make: (d) => `${p2(d.d)}.${p2(d.m)}.${d.y}` },
  { name: 'd.m.yy', make: (d) => `${d.d}.${d.m}.${p2(d.y % 100)}` },
  { name: 'dd-mm-yyyy', make: (d) => `${p2(d.d)}-${p2(d.m)}-${d.y}` },
  { name: 'yyyy-mm-dd', make: (d) => `${d.y}-${p2(d.m)}-${p2(d.d)}` },
  { name: 'yyyy/mm/dd', make: (d) => `${d.y}/${p2(d.m)}/${p2(d.d)}` },
  { name: 'yyyymmdd', make: (d) => `${d.y}${p2(d.m)}${p2(d.d)}` },
  { name: 'dd-mon-yyyy', make: (d) => `${p2(d.d)}-${abbrev(MONTHS.en![d.m - 1]!)}-${d.y}` },
  { name: 'dd-MON-yy', make: (d) => `${p2(d.d)}-${abbrev(MONTHS.en![d.m - 1]!).toUpperCase()}-${p2(d.y % 100)}` },
  { name: 'dd mon yyyy', make: (d, lang) => `${d.d} ${abbrev(MONTHS[lang]![d.m - 1]!)} ${d.y}` },
  { name: 'dd month yyyy', make: (d, lang) => `${d.d} ${MONTHS[lang]![d.m - 1]} ${d.y}` },
  { name: 'month dd, yyyy', langs: ['en'], make: (d) => `${MONTHS.en![d.m - 1]} ${d.d}, ${d.y}` },
  { name: 'mon. dd yyyy', langs: ['en'], make: (d) => `${abbrev(MONTHS.en![d.m - 1]!)}. ${d.d} ${d.y}` },
  {
    name: 'ddth of month yyyy',
    langs: ['en'],
    make: (d) =>
      `${d.d}${d.d % 10 === 1 && d.d !== 11 ? 'st' : d.d % 10 === 2 && d.d !== 12 ? 'nd' : d.d % 10 === 3 && d.d !== 13 ? 'rd' : 'th'} of ${MONTHS.en![d.m - 1]} ${d.y}`,
  },
  { name: 'dd. monat yyyy', langs: ['de'], make: (d) => `${d.d}. ${MONTHS.de![d.m - 1]} ${d.y}` },
  { name: 'dd. mon. yyyy', langs: ['de'], make: (d) => `${d.d}. ${abbrev(MONTHS.de![d.m - 1]!)}. ${d.y}` },
  { name: 'dd de mes de yyyy', langs: ['es', 'pt'], make: (d, lang) => `${d.d} de ${MONTHS[lang]![d.m - 1]} de ${d.y}` },
  { name: '1er mois yyyy', langs: ['fr'], make: (d) => `${d.d === 1 ? '1er' : d.d} ${MONTHS.fr![d.m - 1]} ${d.y}` },
  { name: 'dd.month.yyyy', langs: ['de', 'nl'], make: (d, lang) => `${p2(d.d)}.${abbrev(MONTHS[lang]![d.m - 1]!)}.${d.y}` },
];

export const DOB_FORMS: Form[] = Object.keys(BIRTH_CUES).flatMap((lang) =>
  DATE_SHAPES.filter((s) => !s.langs || s.langs.includes(lang)).map(
    (shape): Form => ({
      form: `dob-${shape.name.replace(/[ ,]+/g, '-')}-${lang}-cue`,
      lang,
      make: (g) => ({ value: shape.make(birthDate(g), lang, g), clause: g.pick(BIRTH_CUES[lang]!) }),
    }),
  ),
);

const PASSPORT_CUES: Record<string, readonly string[]> = {
  en: ['passport number {}', 'Passport No. {}', 'passport: {}', 'my passport is {}', 'Passport #{}', 'passport no {}'],
  de: ['Reisepassnummer: {}', 'Reisepass Nr. {}', 'Passnummer {}', 'Pass-Nr.: {}'],
  fr: ['numéro de passeport : {}', 'passeport n° {}', 'Passeport {}'],
  es: ['número de pasaporte: {}', 'pasaporte {}', 'Pasaporte nº {}'],
  it: ['numero di passaporto: {}', 'passaporto n. {}', 'Passaporto {}'],
  nl: ['paspoortnummer: {}', 'paspoort {}', 'Paspoortnr. {}'],
  pt: ['número do passaporte: {}', 'passaporte {}', 'Passaporte nº {}'],
};
const PASSPORT_SHAPES: Array<{ name: string; make(g: Gen): string }> = [
  { name: 'us-9-digits', make: (g) => `${g.int(1, 9)}${g.digits(8)}` },
  { name: 'us-letter-8-digits', make: (g) => `${g.pick(['A', 'C', 'E', 'N', 'X'])}${g.digits(8)}` },
  { name: 'de-9-alnum', make: (g) => `${g.pick(['C', 'F', 'G', 'H', 'J', 'K'])}${g.chars('CFGHJKLMNPRTVWXYZ0123456789', 8)}` },
  { name: 'fr-2d2l5d', make: (g) => `${g.digits(2)}${g.chars(UPPER, 2)}${g.digits(5)}` },
  { name: 'es-3l6d', make: (g) => `${g.chars(UPPER, 3)}${g.digits(6)}` },
  { name: 'it-2l7d', make: (g) => `${g.chars(UPPER, 2)}${g.digits(7)}` },
  { name: 'nl-9-alnum', make: (g) => `${g.chars('ABCDEFGHIJKLMNPRSTUVWXYZ', 2)}${g.chars('ABCDEFGHIJKLMNPRSTUVWXYZ0123456789', 6)}${g.digits(1)}` },
  { name: 'in-l7d', make: (g) => `${g.chars(UPPER, 1)}${g.digits(7)}` },
  { name: 'ca-2l6d', make: (g) => `${g.chars(UPPER, 2)}${g.digits(6)}` },
  { name: 'uk-9-digits', make: (g) => `${g.int(1, 9)}${g.digits(8)}` },
];
export const PASSPORT_FORMS: Form[] = PASSPORT_SHAPES.flatMap((shape) =>
  Object.keys(PASSPORT_CUES).map(
    (lang): Form => ({ form: `passport-${shape.name}-${lang}-cue`, lang, make: (g) => ({ value: shape.make(g), clause: g.pick(PASSPORT_CUES[lang]!) }) }),
  ),
);

const NINO_PREFIX_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NINO_PREFIX_SECOND = 'ABCEGHJKLMNPRSTWXYZ';
function nino(g: Gen): string {
  let prefix: string;
  do prefix = g.chars(NINO_PREFIX_FIRST, 1) + g.chars(NINO_PREFIX_SECOND, 1);
  while (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(prefix));
  return `${prefix}${g.digits(6)}${g.pick(['A', 'B', 'C', 'D'])}`;
}
function steuerId(g: Gen): string {
  for (;;) {
    const pool = DIGITS.split('');
    pool.splice(g.int(0, 9), 1);
    const twice = pool[g.int(0, pool.length - 1)]!;
    const ten = [...pool, twice];
    for (let i = ten.length - 1; i > 0; i--) {
      const j = g.int(0, i);
      [ten[i], ten[j]] = [ten[j]!, ten[i]!];
    }
    if (ten[0] !== '0') return steuerIdComplete(ten.join(''));
  }
}
function nir(g: Gen): string {
  const thirteen = `${g.int(1, 2)}${g.pad(g.int(30, 99), 2)}${g.pad(g.int(1, 12), 2)}${g.pad(g.int(1, 95), 2)}${g.pad(g.int(1, 990), 3)}${g.pad(g.int(1, 999), 3)}`;
  return thirteen + nirKey(thirteen);
}
function codiceFiscale(g: Gen): string {
  const consonants = 'BCDFGHJKLMNPQRSTVWXYZ';
  const month = 'ABCDEHLMPRST';
  const day = g.int(1, 31) + (g.chance(0.5) ? 40 : 0);
  return codiceFiscaleComplete(
    `${g.chars(consonants, 3)}${g.chars(consonants, 3)}${g.pad(g.int(0, 99), 2)}${g.chars(month, 1)}${g.pad(day, 2)}${g.chars('ABCDEFGHILMZ', 1)}${g.digits(3)}`,
  );
}
function bsn(g: Gen): string {
  for (;;) {
    const v = bsnComplete(`${g.int(1, 9)}${g.digits(7)}`);
    if (v !== null) return v;
  }
}

interface IdShape {
  name: string;
  lang: string;
  cues: readonly string[];
  make(g: Gen): string;
}
const ID_SHAPES: IdShape[] = [
  { name: 'uk-nino', lang: 'en', cues: ['NI number: {}', 'National Insurance number {}', 'NINO {}', 'my NI no. is {}'], make: nino },
  {
    name: 'uk-nino-spaced',
    lang: 'en',
    cues: ['NI number: {}', 'National Insurance No {}', 'NINO: {}'],
    make: (g) => nino(g).replace(/^(..)(..)(..)(..)(.)$/, '$1 $2 $3 $4 $5'),
  },
  { name: 'de-steuer-id', lang: 'de', cues: ['Steuer-ID: {}', 'Steueridentifikationsnummer {}', 'meine Steuer-IdNr. ist {}', 'IdNr {}'], make: steuerId },
  {
    name: 'de-steuer-id-spaced',
    lang: 'de',
    cues: ['Steuer-ID: {}', 'Steuerliche Identifikationsnummer: {}'],
    make: (g) => steuerId(g).replace(/^(..)(...)(...)(...)$/, '$1 $2 $3 $4'),
  },
  { name: 'fr-nir', lang: 'fr', cues: ['numéro de sécurité sociale : {}', 'NIR {}', 'n° de sécu {}', 'numéro INSEE : {}'], make: nir },
  {
    name: 'fr-nir-spaced',
    lang: 'fr',
    cues: ['numéro de sécurité sociale : {}', 'N° SS : {}'],
    make: (g) => nir(g).replace(/^(.)(..)(..)(..)(...)(...)(..)$/, '$1 $2 $3 $4 $5 $6 $7'),
  },
  {
    name: 'es-dni',
    lang: 'es',
    cues: ['DNI: {}', 'mi DNI es {}', 'D.N.I. {}', 'NIF {}'],
    make: (g) => {
      const n = g.int(1, 99999999);
      return `${g.pad(n, 8)}${dniLetter(n)}`;
    },
  },
  {
    name: 'es-dni-dash',
    lang: 'es',
    cues: ['DNI {}', 'documento de identidad: {}'],
    make: (g) => {
      const n = g.int(10000000, 99999999);
      return `${n}-${dniLetter(n)}`;
    },
  },
  {
    name: 'es-nie',
    lang: 'es',
    cues: ['NIE: {}', 'mi NIE es {}', 'número de identidad de extranjero {}'],
    make: (g) => {
      const k = g.int(0, 2);
      const n = g.int(0, 9999999);
      return `${'XYZ'[k]}${g.pad(n, 7)}${dniLetter(Number(`${k}${g.pad(n, 7)}`))}`;
    },
  },
  { name: 'it-codice-fiscale', lang: 'it', cues: ['codice fiscale: {}', 'C.F. {}', 'il mio codice fiscale è {}', 'CF {}'], make: codiceFiscale },
  { name: 'nl-bsn', lang: 'nl', cues: ['BSN: {}', 'burgerservicenummer {}', 'mijn BSN is {}', 'sofinummer {}'], make: bsn },
  { name: 'nl-bsn-dotted', lang: 'nl', cues: ['BSN {}', 'Burgerservicenummer: {}'], make: (g) => bsn(g).replace(/^(....)(..)(...)$/, '$1.$2.$3') },
  {
    name: 'in-aadhaar',
    lang: 'en',
    cues: ['Aadhaar: {}', 'Aadhaar number {}', 'my aadhar no is {}', 'UID {}'],
    make: (g) => verhoeffComplete(`${g.int(2, 9)}${g.digits(10)}`).replace(/^(....)(....)(....)$/, '$1 $2 $3'),
  },
  { name: 'in-aadhaar-compact', lang: 'en', cues: ['Aadhaar {}', 'aadhaar card number: {}'], make: (g) => verhoeffComplete(`${g.int(2, 9)}${g.digits(10)}`) },
];
export const NATIONAL_ID_FORMS: Form[] = ID_SHAPES.map((shape) => ({
  form: `national-id-${shape.name}`,
  lang: shape.lang,
  make: (g) => ({ value: shape.make(g), clause: g.pick(shape.cues) }),
}));

function ssnParts(g: Gen): [string, string, string] {
  const area = g.chance(0.5) ? g.int(1, 665) : g.int(667, 899);
  return [g.pad(area, 3), g.pad(g.int(1, 99), 2), g.pad(g.int(1, 9999), 4)];
}
export const SSN_FORMS: Form[] = [
  {
    form: 'ssn-dashed',
    lang: 'en',
    make: (g) => ({ value: ssnParts(g).join('-'), clause: g.pick(['SSN {}', 'my social security number is {}', '{}', 'ss# {}', 'id {} on file']) }),
  },
  {
    form: 'ssn-spaced-cue',
    lang: 'en',
    make: (g) => ({ value: ssnParts(g).join(' '), clause: g.pick(['SSN: {}', 'Social Security No. {}', 'social security {}']) }),
  },
  {
    form: 'ssn-bare-cue',
    lang: 'en',
    make: (g) => ({
      value: ssnParts(g).join(''),
      clause: g.pick(['SSN {}', 'social security number: {}', 'SSN#{}', 'taxpayer id (SSN) {}', 'soc. sec. no. {}']),
    }),
  },
  {
    form: 'ssn-bare-near-pii',
    lang: 'en',
    make: (g) => ({
      value: ssnParts(g).join(''),
      clause: g.pick(['DOB 04/12/1979, {}', 'john.doe@example.com {}', 'Name: J. Smith, ID {}', 'born 1980-02-02 - {}']),
    }),
  },
];
