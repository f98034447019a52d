/**
 * An independent leak probe for structured personal values (issue 23): forms a real user types or pastes
 * that a detector author might not have tried, written without reading the detectors or the project's own
 * generator (test/pii/planted-values.ts). Every case carries the exact span of each planted value, so a
 * test can say which characters no finding covers. Seeded: the same seed gives the same cases.
 *
 * `scope: 'out'` marks forms this probe plants to measure but does not hold the detectors to (the reason
 * is on the form): docs/privacy.md, "An independent probe of structured forms".
 */
import examples from 'libphonenumber-js/examples.mobile.json';
import { type CountryCode, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { seededRandom } from '../../src/quality/eval/routing-metrics.js';

export interface PlantedSpan {
  start: number;
  end: number;
}

export interface ProbeCase {
  form: string;
  type: string;
  text: string;
  spans: PlantedSpan[];
}

export interface ProbeForm {
  form: string;
  type: string;
  /** 'out': measured, not required (why: `note`). */
  scope: 'in' | 'out';
  note?: string;
  make: (r: Rng) => { text: string; spans: PlantedSpan[] };
}

export interface ProbeNegative {
  form: string;
  text: string;
}

/** The routing evaluation's seeded mulberry32, with the draws the forms need. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  digits(n: number): string {
    return this.chars(n, '0123456789');
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const B64 = `${ALNUM}+/`;

/** A value marker inside `plant`. */
class V {
  constructor(readonly s: string) {}
}
const v = (s: string): V => new V(s);

/** `plant\`Card ${v(card)} please\`` → the text and the value's span. */
function plant(strings: TemplateStringsArray, ...vals: Array<string | number | V>): { text: string; spans: PlantedSpan[] } {
  let text = '';
  const spans: PlantedSpan[] = [];
  strings.forEach((s, i) => {
    text += s;
    if (i >= vals.length) return;
    const x = vals[i] as string | number | V;
    if (x instanceof V) {
      spans.push({ start: text.length, end: text.length + x.s.length });
      text += x.s;
    } else text += x;
  });
  return { text, spans };
}

// ---- value builders ----

function luhnComplete(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

function card(r: Rng, brand: 'visa' | 'mc' | 'amex' | 'discover' = r.pick(['visa', 'mc', 'discover'] as const)): string {
  if (brand === 'amex') return luhnComplete(r.pick(['34', '37']) + r.digits(12));
  if (brand === 'mc') return luhnComplete(`5${r.int(1, 5)}${r.digits(13)}`);
  if (brand === 'discover') return luhnComplete(`6011${r.digits(11)}`);
  return luhnComplete(`4${r.digits(14)}`);
}

const group = (s: string, sizes: readonly number[], sep: string | (() => string)): string => {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(s.slice(i, i + n));
    i += n;
  }
  if (i < s.length) out.push(s.slice(i));
  if (typeof sep === 'string') return out.join(sep);
  return out.reduce((a, b) => a + sep() + b);
};
const g4 = (s: string, sep: string | (() => string)): string => group(s, Array(Math.ceil(s.length / 4)).fill(4), sep);

const IBAN_BBAN: Record<string, (r: Rng) => string> = {
  DE: (r) => r.digits(18),
  GB: (r) => r.chars(4, UPPER) + r.digits(14),
  NL: (r) => r.chars(4, UPPER) + r.digits(10),
  ES: (r) => r.digits(20),
  FR: (r) => r.digits(23),
  BE: (r) => r.digits(12),
  AT: (r) => r.digits(16),
  CH: (r) => r.digits(17),
  IT: (r) => r.chars(1, UPPER) + r.digits(22),
  PL: (r) => r.digits(24),
};

function mod97(numeric: string): number {
  let m = 0;
  for (const c of numeric) m = (m * 10 + Number(c)) % 97;
  return m;
}

function iban(r: Rng, country = r.pick(Object.keys(IBAN_BBAN))): string {
  const bban = (IBAN_BBAN[country] as (r: Rng) => string)(r);
  const numeric = `${bban + country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = String(98 - mod97(numeric)).padStart(2, '0');
  return country + check + bban;
}

function ssn(r: Rng): string {
  let area = r.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(r.int(1, 99)).padStart(2, '0')}-${String(r.int(1, 9999)).padStart(4, '0')}`;
}

function nino(r: Rng): string {
  const first = 'ABCEGHJKLMNOPRSTWXYZ';
  const second = 'ABCEGHJKLMNPRSTWXYZ';
  let p = '';
  do p = r.pick([...first]) + r.pick([...second]);
  while (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(p));
  return p + r.digits(6) + r.pick(['A', 'B', 'C', 'D']);
}

/** German Steuer-ID: ten digits (first not 0, one digit twice, one missing) + ISO 7064 MOD 11,10. */
function steuerId(r: Rng): string {
  for (;;) {
    const ds = [...DIGITS].sort(() => r.next() - 0.5);
    const nine = ds.slice(0, 9);
    const ten = [...nine, r.pick(nine)].sort(() => r.next() - 0.5);
    if (ten[0] === '0') continue;
    let product = 10;
    for (const c of ten) {
      let sum = (Number(c) + product) % 10;
      if (sum === 0) sum = 10;
      product = (sum * 2) % 11;
    }
    const check = 11 - product === 10 ? 0 : 11 - product;
    return ten.join('') + String(check);
  }
}

function ipv4(r: Rng): string {
  return `${r.pick([31, 62, 81, 89, 93, 109, 151, 176, 185, 203, 212, 217])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}
const hex4 = (r: Rng): string => r.int(0, 0xffff).toString(16);
function ipv6(r: Rng, compressed = true): string {
  const head = `2${r.pick(['a02', 'a01', '001', '600', '804', 'c0f'])}:${hex4(r)}:${hex4(r)}`;
  if (compressed) return `${head}::${hex4(r)}:${hex4(r)}`;
  return `${head}:${hex4(r)}:${hex4(r)}:${hex4(r)}:${hex4(r)}:${hex4(r)}`;
}

interface Dmy {
  d: number;
  m: number;
  y: number;
}
function dob(r: Rng): Dmy {
  return { d: r.int(1, 28), m: r.int(1, 12), y: r.int(1942, 2004) };
}
const p2 = (n: number): string => String(n).padStart(2, '0');
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FR_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const ES_MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
const IT_MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];
const PT_MONTHS = ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'];
const DE_MONTHS = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];
function ordinal(d: number): string {
  if (d % 10 === 1 && d !== 11) return `${d}st`;
  if (d % 10 === 2 && d !== 12) return `${d}nd`;
  if (d % 10 === 3 && d !== 13) return `${d}rd`;
  return `${d}th`;
}

const toFullWidth = (s: string): string => s.replace(/[0-9]/g, (c) => String.fromCharCode(0xff10 + Number(c)));
const toArabicIndic = (s: string): string => s.replace(/[0-9]/g, (c) => String.fromCharCode(0x0660 + Number(c)));

function phone(r: Rng, country: CountryCode): { e164: string; national: string; intl: string } {
  const example = getExampleNumber(country, examples);
  if (!example) throw new Error(`no example for ${country}`);
  const nsn = example.nationalNumber;
  for (let tries = 0; tries < 50; tries++) {
    const keep = Math.max(2, nsn.length - 4);
    const candidate = `+${example.countryCallingCode}${nsn.slice(0, keep)}${r.digits(nsn.length - keep)}`;
    const parsed = parsePhoneNumberFromString(candidate);
    if (parsed?.isValid()) return { e164: parsed.number, national: parsed.formatNational(), intl: parsed.formatInternational() };
  }
  return { e164: example.number, national: example.formatNational(), intl: example.formatInternational() };
}
const PHONE_COUNTRIES: readonly CountryCode[] = [
  'US',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'CH',
  'AT',
  'SE',
  'NO',
  'DK',
  'PL',
  'PT',
  'IE',
  'BR',
  'MX',
  'IN',
  'JP',
  'AU',
  'CN',
  'KR',
  'TR',
  'ZA',
  'AR',
  'FI',
  'CZ',
  'GR',
  'RU',
];

const FIRST = ['jane', 'omar', 'li', 'sofia', 'lukas', 'amara', 'diego', 'yuki', 'priya', 'noah', 'elif', 'mateo'];
const LAST = ['doe', 'haddad', 'wang', 'rossi', 'becker', 'okafor', 'garcia', 'tanaka', 'sharma', 'smith', 'yilmaz', 'silva'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.co.uk', 'example.io', 'example-mail.net', 'uni.example.edu'];
function email(r: Rng): string {
  return `${r.pick(FIRST)}${r.pick(['.', '_', '', '-'])}${r.pick(LAST)}${r.next() < 0.3 ? r.int(1, 99) : ''}@${r.pick(DOMAINS)}`;
}

const PW_CHARS = `${ALNUM}!#$%^*-_.~`;
function password(r: Rng): string {
  return r.chars(r.int(4, 8), ALNUM) + r.pick(['!', '#', '$', '%', '^', '*', '~', '.', '-']) + r.chars(r.int(2, 5), PW_CHARS) + r.digits(1);
}

function pemBody(r: Rng, lines: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(r.chars(64, B64));
  return out;
}

// ---- the forms ----

const cardForms: ProbeForm[] = [
  { form: 'card full-width digits', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`カード番号は ${v(toFullWidth(g4(card(r), ' ')))} です` },
  { form: 'card full-width compact', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`card: ${v(toFullWidth(card(r)))}` },
  { form: 'card Arabic-Indic digits', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`رقم البطاقة ${v(toArabicIndic(g4(card(r), ' ')))} من فضلك` },
  { form: 'card zero-width spaces', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`my card is ${v(g4(card(r), '\u200b'))} thanks` },
  { form: 'card soft hyphens', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`card ${v(g4(card(r), '\u00ad'))}, exp 09/27` },
  { form: 'card nbsp groups', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`Numéro de carte : ${v(g4(card(r), r.pick(['\u00a0', '\u202f'])))}` },
  { form: 'card dots', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`Charge ${v(g4(card(r), '.'))} for the order` },
  { form: 'card mixed separators', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`use ${v(g4(card(r), () => r.pick([' ', '-', '.', ' - '])))} please` },
  { form: 'card slashes', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`cc ${v(g4(card(r), '/'))}` },
  { form: 'card Amex 4-6-5', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`Amex ${v(group(card(r, 'amex'), [4, 6, 5], r.pick([' ', '-'])))} exp 11/28` },
  { form: 'card markdown table', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`| name | card |\n| --- | --- |\n| J. Doe | ${v(g4(card(r), ' '))} |` },
  {
    form: 'card code fence',
    type: 'CREDIT_CARD',
    scope: 'in',
    make: (r) => plant`Why does this fail?\n\`\`\`python\ncharge(amount=12, card="${v(card(r))}")\n\`\`\``,
  },
  { form: 'card CSV row', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`id,name,card,exp\n17,Jane Doe,${v(card(r))},09/27\n` },
  { form: 'card HTML td', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`<tr><td>Jane</td><td>${v(g4(card(r), ' '))}</td></tr>` },
  { form: 'card URL query', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`GET https://shop.example.com/pay?cc=${v(card(r))}&exp=0927 returns 500` },
  { form: 'card YAML', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`payment:\n  card_number: "${v(g4(card(r), ' '))}"\n  cvv: 123` },
  { form: 'card .env', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`TEST_CARD=${v(card(r))}\nSTRIPE_MODE=live` },
  { form: 'card glued to words', type: 'CREDIT_CARD', scope: 'in', make: (r) => plant`card#${v(card(r))}exp0927` },
];

const ibanForms: ProbeForm[] = [
  { form: 'IBAN lowercase spaced', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`my iban is ${v(g4(iban(r).toLowerCase(), ' '))}` },
  { form: 'IBAN odd spacing', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`IBAN ${v(group(iban(r), [2, 2, 6, 3, 5], ' '))} please` },
  { form: 'IBAN in parentheses', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`Send it to my account (${v(iban(r))}).` },
  { form: 'IBAN dashes', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`IBAN: ${v(g4(iban(r), '-'))}` },
  { form: 'IBAN nbsp', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`IBAN :\u00a0${v(g4(iban(r), '\u00a0'))}` },
  { form: 'IBAN glued label', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`IBAN:${v(iban(r))};BIC:DEUTDEFF` },
  { form: 'IBAN zero-width', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`iban ${v(g4(iban(r), '\u200b'))}` },
  { form: 'IBAN full-width', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`口座 ${v(toFullWidth(iban(r)))}` },
  { form: 'IBAN markdown bold', type: 'IBAN_CODE', scope: 'in', make: (r) => plant`Account: **${v(g4(iban(r), ' '))}**` },
  {
    form: 'IBAN mixed case',
    type: 'IBAN_CODE',
    scope: 'in',
    make: (r) => {
      const x = iban(r);
      return plant`iban ${v(x.slice(0, 2).toLowerCase() + x.slice(2))}`;
    },
  },
];

const emailForms: ProbeForm[] = [
  {
    form: 'email plus tag',
    type: 'EMAIL_ADDRESS',
    scope: 'in',
    make: (r) => plant`Write to ${v(email(r).replace('@', `+${r.pick(['news', 'shop', 'a1', 'tandem'])}@`))}.`,
  },
  {
    form: 'email deep subdomain',
    type: 'EMAIL_ADDRESS',
    scope: 'in',
    make: (r) => plant`cc ${v(`${r.pick(FIRST)}@${r.pick(['eu', 'mx1', 'staff'])}.${r.pick(['mail', 'corp'])}.example.${r.pick(['co.uk', 'com.au', 'de'])}`)}`,
  },
  {
    form: 'email quoted local part',
    type: 'EMAIL_ADDRESS',
    scope: 'out',
    note: 'RFC 5321 quoted local parts are almost never typed',
    make: (r) => plant`reply to ${v(`"${r.pick(FIRST)} ${r.pick(LAST)}"@example.com`)}`,
  },
  {
    form: 'email IDN domain',
    type: 'EMAIL_ADDRESS',
    scope: 'in',
    make: (r) => plant`Mail: ${v(`${r.pick(FIRST)}@${r.pick(['bücher.de', 'müller-bau.at', 'café.fr', 'пример.рф', '例え.jp'])}`)}`,
  },
  {
    form: 'email unicode local part',
    type: 'EMAIL_ADDRESS',
    scope: 'in',
    make: (r) => plant`Kontakt: ${v(`${r.pick(['jürgen', 'josé', 'zoë', 'çağla', 'søren'])}.${r.pick(LAST)}@example.de`)}`,
  },
  {
    form: 'email HTML entity @',
    type: 'EMAIL_ADDRESS',
    scope: 'in',
    make: (r) => {
      const e = email(r);
      return plant`<a href="mailto:${v(e.replace('@', '&#64;'))}">contact</a>`;
    },
  },
  { form: 'email mailto link', type: 'EMAIL_ADDRESS', scope: 'in', make: (r) => plant`[email me](mailto:${v(email(r))}?subject=Hi)` },
  { form: 'email uppercase', type: 'EMAIL_ADDRESS', scope: 'in', make: (r) => plant`EMAIL: ${v(email(r).toUpperCase())}` },
  { form: 'email angle brackets', type: 'EMAIL_ADDRESS', scope: 'in', make: (r) => plant`From: Jane Doe <${v(email(r))}>` },
  {
    form: 'email percent-encoded in URL',
    type: 'EMAIL_ADDRESS',
    scope: 'in',
    make: (r) => plant`https://app.example.com/unsubscribe?user=${v(email(r).replace('@', '%40'))}&t=1`,
  },
  {
    form: 'email new gTLD',
    type: 'EMAIL_ADDRESS',
    scope: 'in',
    make: (r) => plant`${v(`${r.pick(FIRST)}@${r.pick(LAST)}.${r.pick(['photography', 'dev', 'app', 'museum', 'xn--p1ai'])}`)} is my address`,
  },
  {
    form: 'email [at] [dot] obfuscated',
    type: 'EMAIL_ADDRESS',
    scope: 'in',
    make: (r) => plant`email ${v(`${r.pick(FIRST)}.${r.pick(LAST)} ${r.pick(['[at]', '(at)', '{at}'])} example ${r.pick(['[dot]', '(dot)'])} com`)}`,
  },
  {
    form: 'email "at"/"dot" words',
    type: 'EMAIL_ADDRESS',
    scope: 'out',
    note: 'plain-word obfuscation ("jane at example dot com"): deliberate hiding, and ambiguous with prose',
    make: (r) => plant`reach me: ${v(`${r.pick(FIRST)} at ${r.pick(LAST)} dot com`)}`,
  },
  { form: 'email full-width @', type: 'EMAIL_ADDRESS', scope: 'in', make: (r) => plant`メール ${v(email(r).replace('@', '＠'))}` },
  { form: 'email in CSV', type: 'EMAIL_ADDRESS', scope: 'in', make: (r) => plant`name;email;plan\nJ.;${v(email(r))};pro` },
];

const phoneForms: ProbeForm[] = [
  {
    form: 'phone national format, 30 countries',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => {
      const c = r.pick(PHONE_COUNTRIES);
      return plant`${r.pick(['Call me on', 'Tel.', 'phone:', 'my number is', 'Handy:', 'tél :', 'teléfono'])} ${v(phone(r, c).national)}`;
    },
  },
  {
    form: 'phone international, 30 countries',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => plant`reach me at ${v(phone(r, r.pick(PHONE_COUNTRIES)).intl)} tomorrow`,
  },
  { form: 'phone E.164 no cue', type: 'PHONE_NUMBER', scope: 'in', make: (r) => plant`${v(phone(r, r.pick(PHONE_COUNTRIES)).e164)}` },
  { form: 'phone US dots', type: 'PHONE_NUMBER', scope: 'in', make: (r) => plant`call ${v(`${r.int(201, 989)}.${r.int(200, 989)}.${r.digits(4)}`)} after 5` },
  {
    form: 'phone extension x',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => plant`Office: ${v(`(${r.int(201, 989)}) ${r.int(200, 989)}-${r.digits(4)}`)} x${r.int(10, 999)}`,
  },
  {
    form: 'phone extension ext.',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => plant`Phone ${v(phone(r, r.pick(['GB', 'US', 'DE'] as const)).intl)} ext. ${r.int(1, 99)}`,
  },
  { form: 'phone tel: URI', type: 'PHONE_NUMBER', scope: 'in', make: (r) => plant`<a href="tel:${v(phone(r, r.pick(PHONE_COUNTRIES)).e164)}">Call</a>` },
  {
    form: 'phone tel: URI dashes',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => plant`[call](tel:${v(phone(r, r.pick(PHONE_COUNTRIES)).intl.replace(/ /g, '-'))})`,
  },
  {
    form: 'phone vanity letters',
    type: 'PHONE_NUMBER',
    scope: 'out',
    note: 'vanity numbers (1-800-FLOWERS) are businesses, not persons',
    make: (r) => plant`call ${v(`1-800-${r.pick(['FLOWERS', 'CALL-NOW', 'GO-FEDEX', 'MY-APPLE'])}`)}`,
  },
  { form: 'phone full-width', type: 'PHONE_NUMBER', scope: 'in', make: (r) => plant`電話番号：${v(toFullWidth(phone(r, 'JP').national))}` },
  {
    form: 'phone Arabic-Indic',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => plant`رقم هاتفي ${v(toArabicIndic(phone(r, r.pick(['AE', 'SA', 'EG'] as const)).e164.replace('+', '+')))}`,
  },
  {
    form: 'phone zero-width',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => plant`phone ${v(phone(r, r.pick(PHONE_COUNTRIES)).intl.replace(/ /g, '\u200b'))}`,
  },
  { form: 'phone nbsp', type: 'PHONE_NUMBER', scope: 'in', make: (r) => plant`Tél. : ${v(phone(r, 'FR').national.replace(/ /g, '\u00a0'))}` },
  {
    form: 'phone dots national EU',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => plant`Tel ${v(phone(r, r.pick(['FR', 'BE', 'CH', 'DE'] as const)).national.replace(/[ -]/g, '.'))}`,
  },
  { form: 'phone in YAML', type: 'PHONE_NUMBER', scope: 'in', make: (r) => plant`contact:\n  phone: "${v(phone(r, r.pick(PHONE_COUNTRIES)).intl)}"\n` },
  { form: 'phone in CSV', type: 'PHONE_NUMBER', scope: 'in', make: (r) => plant`name,phone\nJane,${v(phone(r, r.pick(PHONE_COUNTRIES)).e164)}\n` },
  {
    form: 'phone WhatsApp link',
    type: 'PHONE_NUMBER',
    scope: 'in',
    make: (r) => plant`https://wa.me/${v(phone(r, r.pick(PHONE_COUNTRIES)).e164.slice(1))}?text=hi`,
  },
];

const ipForms: ProbeForm[] = [
  { form: 'IPv6 compressed', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`my server is ${v(ipv6(r))} and it is down` },
  { form: 'IPv6 zone id', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`ping ${v(`fe80::${hex4(r)}:${hex4(r)}:${hex4(r)}:${hex4(r)}`)}%eth0 fails` },
  { form: 'IPv6 in URL', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`open http://[${v(ipv6(r))}]:8080/admin` },
  { form: 'IPv6 full uppercase', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`IP: ${v(ipv6(r, false).toUpperCase())}` },
  { form: 'IPv6 end of sentence', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`The client came from ${v(ipv6(r))}.` },
  { form: 'IPv6 with prefix length', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`route ${v(ipv6(r))}/64 via eth0` },
  { form: 'IPv4 in URL with port', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`curl http://${v(ipv4(r))}:${r.int(1024, 9999)}/health` },
  { form: 'IPv4 CIDR', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`allow ${v(ipv4(r))}/32 in the firewall` },
  { form: 'IPv4 log line', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`[error] [client ${v(ipv4(r))}] File does not exist` },
  { form: 'IPv4 full-width', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`IPアドレス：${v(toFullWidth(ipv4(r)))}` },
  { form: 'IPv4 X-Forwarded-For', type: 'IP_ADDRESS', scope: 'in', make: (r) => plant`X-Forwarded-For: ${v(ipv4(r))}, 10.0.0.1` },
];

function dobForm(form: string, make: (r: Rng, x: Dmy) => { text: string; spans: PlantedSpan[] }, scope: 'in' | 'out' = 'in', note?: string): ProbeForm {
  return { form, type: 'DATE_OF_BIRTH', scope, ...(note ? { note } : {}), make: (r) => make(r, dob(r)) };
}

const dobForms: ProbeForm[] = [
  dobForm('DOB "born on the 3rd of May 1985"', (_r, x) => plant`I was born on the ${v(`${ordinal(x.d)} of ${EN_MONTHS[x.m - 1]} ${x.y}`)}.`),
  dobForm('DOB "born May 3rd, 1985"', (_r, x) => plant`She was born ${v(`${EN_MONTHS[x.m - 1]} ${ordinal(x.d)}, ${x.y}`)} in Leeds.`),
  dobForm('DOB yyyy/mm/dd', (_r, x) => plant`DOB ${v(`${x.y}/${p2(x.m)}/${p2(x.d)}`)}`),
  dobForm('DOB two-digit year', (_r, x) => plant`D.O.B.: ${v(`${p2(x.d)}/${p2(x.m)}/${String(x.y).slice(2)}`)}`),
  dobForm('DOB apostrophe year', (_r, x) => plant`date of birth ${v(`${x.d} ${EN_MONTHS[x.m - 1]?.slice(0, 3)} '${String(x.y).slice(2)}`)}`),
  dobForm('DOB "birthdate" one word', (_r, x) => plant`birthdate: ${v(`${p2(x.m)}-${p2(x.d)}-${x.y}`)}`),
  dobForm('DOB cue with format hint', (_r, x) => plant`Date of Birth (DD/MM/YYYY): ${v(`${p2(x.d)}/${p2(x.m)}/${x.y}`)}`),
  dobForm('DOB ISO timestamp', (_r, x) => plant`{"dob": "${v(`${x.y}-${p2(x.m)}-${p2(x.d)}T00:00:00Z`)}"}`),
  dobForm('DOB roman month', (_r, x) => plant`data urodzenia: ${v(`${x.d}.${ROMAN[x.m - 1]}.${x.y}`)}`),
  dobForm('DOB full-width', (_r, x) => plant`生年月日：${v(toFullWidth(`${x.y}/${p2(x.m)}/${p2(x.d)}`))}`),
  dobForm('DOB Japanese kanji date', (_r, x) => plant`生年月日：${v(`${x.y}年${x.m}月${x.d}日`)}`),
  dobForm('DOB FR premier/1er', (r, x) => plant`Je suis née le ${v(`${x.d === 1 ? r.pick(['1er', 'premier']) : x.d} ${FR_MONTHS[x.m - 1]} ${x.y}`)} à Lyon.`),
  dobForm('DOB ES ordinal 1.º', (_r, x) => plant`Nací el ${v(`${x.d === 1 ? '1.º' : `${x.d}`} de ${ES_MONTHS[x.m - 1]} de ${x.y}`)}.`),
  dobForm('DOB IT 1º', (_r, x) => plant`Sono nata il ${v(`${x.d === 1 ? '1º' : x.d} ${IT_MONTHS[x.m - 1]} ${x.y}`)} a Napoli.`),
  dobForm('DOB PT "nascida em"', (_r, x) => plant`Fui nascida em ${v(`${x.d}${x.d === 1 ? 'º' : ''} de ${PT_MONTHS[x.m - 1]} de ${x.y}`)}.`),
  dobForm('DOB DE "geboren am"', (_r, x) => plant`Ich wurde am ${v(`${x.d}. ${DE_MONTHS[x.m - 1]} ${x.y}`)} in Köln geboren.`),
  dobForm('DOB "birthday" with year', (_r, x) => plant`my birthday is ${v(`${x.d} ${EN_MONTHS[x.m - 1]} ${x.y}`)}, can you compute my age?`),
  dobForm('DOB "born in 1985 on May 3"', (_r, x) => plant`born ${v(`${EN_MONTHS[x.m - 1]} ${x.d} ${x.y}`)}`),
  dobForm('DOB compact ddmmyyyy', (_r, x) => plant`DOB: ${v(`${p2(x.d)}${p2(x.m)}${x.y}`)}`),
  dobForm('DOB YAML', (_r, x) => plant`patient:\n  date_of_birth: ${v(`${x.y}-${p2(x.m)}-${p2(x.d)}`)}\n  ward: 4B`),
];

function ssnSpaced(r: Rng, sep: string): string {
  return ssn(r).replace(/-/g, sep);
}
const idForms: ProbeForm[] = [
  { form: 'SSN spaced', type: 'US_SSN', scope: 'in', make: (r) => plant`SSN ${v(ssnSpaced(r, ' '))}` },
  { form: 'SSN dots', type: 'US_SSN', scope: 'in', make: (r) => plant`social security number ${v(ssnSpaced(r, '.'))}` },
  { form: 'SSN en dash', type: 'US_SSN', scope: 'in', make: (r) => plant`my SSN is ${v(ssnSpaced(r, '–'))}` },
  { form: 'SSN spaced dashes', type: 'US_SSN', scope: 'in', make: (r) => plant`SSN: ${v(ssnSpaced(r, ' - '))}` },
  { form: 'SSN glued hash', type: 'US_SSN', scope: 'in', make: (r) => plant`SSN#${v(ssn(r).replace(/-/g, ''))}` },
  { form: 'SSN full-width', type: 'US_SSN', scope: 'in', make: (r) => plant`SSN ${v(toFullWidth(ssn(r)))}` },
  { form: 'SSN zero-width', type: 'US_SSN', scope: 'in', make: (r) => plant`SSN ${v(ssnSpaced(r, '\u200b'))}` },
  { form: 'SSN in JSON', type: 'US_SSN', scope: 'in', make: (r) => plant`{"ssn":"${v(ssn(r))}","plan":"gold"}` },
  { form: 'NINO lowercase', type: 'NATIONAL_ID', scope: 'in', make: (r) => plant`my ni number is ${v(nino(r).toLowerCase())}` },
  { form: 'NINO dashes', type: 'NATIONAL_ID', scope: 'in', make: (r) => plant`NI: ${v(group(nino(r), [2, 2, 2, 2, 1], '-'))}` },
  { form: 'NINO 2-6-1 spacing', type: 'NATIONAL_ID', scope: 'in', make: (r) => plant`National Insurance ${v(group(nino(r), [2, 6, 1], ' '))}` },
  { form: 'Steuer-ID spaced 3-3-3-2', type: 'NATIONAL_ID', scope: 'in', make: (r) => plant`Steuer-ID: ${v(group(steuerId(r), [3, 3, 3, 2], ' '))}` },
  { form: 'Steuer-ID dots', type: 'NATIONAL_ID', scope: 'in', make: (r) => plant`Steueridentifikationsnummer ${v(group(steuerId(r), [2, 3, 3, 3], '.'))}` },
  { form: 'Steuer-ID "IdNr"', type: 'NATIONAL_ID', scope: 'in', make: (r) => plant`IdNr. ${v(steuerId(r))}` },
  {
    form: 'Steuer-ID nbsp',
    type: 'NATIONAL_ID',
    scope: 'in',
    make: (r) => plant`Steuer-Identifikationsnummer:\u00a0${v(group(steuerId(r), [2, 3, 3, 3], '\u00a0'))}`,
  },
];

const PASSPORT_CUES = [
  'passport no.',
  'Passport #',
  'PP no',
  'Reisepass-Nr.',
  'Passnummer',
  'n° de passeport :',
  'número de pasaporte',
  'passaporto n.',
  'paspoortnummer',
  'passaporte nº',
  'numer paszportu',
  'passnummer',
  'pasaport no',
  'номер паспорта',
  'パスポート番号',
  '护照号码',
];
const passportForms: ProbeForm[] = [
  {
    form: 'passport after cues, 16 languages',
    type: 'PASSPORT',
    scope: 'in',
    make: (r) => plant`${r.pick(PASSPORT_CUES)} ${v(r.chars(r.int(1, 2), UPPER) + r.digits(7))}`,
  },
  { form: 'passport cue then colon glued', type: 'PASSPORT', scope: 'in', make: (r) => plant`Passport:${v(r.chars(2, UPPER) + r.digits(7))}` },
  { form: 'passport digits only', type: 'PASSPORT', scope: 'in', make: (r) => plant`my passport number is ${v(r.digits(9))}, expiring 2031` },
  { form: 'passport spaced', type: 'PASSPORT', scope: 'in', make: (r) => plant`passport: ${v(`${r.chars(2, UPPER)} ${r.digits(3)} ${r.digits(4)}`)}` },
  {
    form: 'passport MRZ line 2',
    type: 'PASSPORT',
    scope: 'in',
    make: (r) => {
      const n = r.chars(2, UPPER) + r.digits(7);
      return plant`P<GBRDOE<<JANE<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n${v(n)}${r.digits(1)}GBR8501017F3101013<<<<<<<<<<<<<<04`;
    },
  },
];

function secretForm(
  form: string,
  type: 'API_KEY' | 'SECRET',
  make: (r: Rng) => { text: string; spans: PlantedSpan[] },
  scope: 'in' | 'out' = 'in',
  note?: string,
): ProbeForm {
  return { form, type, scope, ...(note ? { note } : {}), make };
}
const secretForms: ProbeForm[] = [
  secretForm(
    'AWS access key id in INI',
    'API_KEY',
    (r) => plant`[default]\naws_access_key_id = ${v(`AKIA${r.chars(16, UPPER + DIGITS)}`)}\nregion = eu-west-1`,
  ),
  secretForm('AWS secret access key in INI', 'SECRET', (r) => plant`[default]\naws_secret_access_key = ${v(r.chars(40, B64))}\n`),
  secretForm('AWS secret in env export', 'SECRET', (r) => plant`export AWS_SECRET_ACCESS_KEY=${v(r.chars(40, B64))}`),
  secretForm(
    'GitHub ghp/gho/ghs token',
    'API_KEY',
    (r) => plant`git clone https://${v(`${r.pick(['ghp', 'gho', 'ghs', 'ghu'])}_${r.chars(36, ALNUM)}`)}@github.com/acme/app.git`,
  ),
  secretForm('GitHub fine-grained PAT', 'API_KEY', (r) => plant`GITHUB_TOKEN="${v(`github_pat_11${r.chars(20, UPPER + DIGITS)}_${r.chars(59, ALNUM)}`)}"`),
  secretForm('Slack bot token', 'API_KEY', (r) => plant`SLACK_BOT_TOKEN=${v(`xoxb-${r.digits(12)}-${r.digits(13)}-${r.chars(24, ALNUM)}`)}`),
  secretForm(
    'Slack webhook URL',
    'SECRET',
    (r) => plant`post to ${v(`https://hooks.slack.com/services/T${r.chars(8, UPPER + DIGITS)}/B${r.chars(10, UPPER + DIGITS)}/${r.chars(24, ALNUM)}`)}`,
  ),
  secretForm(
    'Stripe secret/restricted key',
    'API_KEY',
    (r) => plant`stripe.api_key = "${v(`${r.pick(['sk_live_', 'rk_live_', 'sk_test_'])}${r.chars(24, ALNUM)}`)}"`,
  ),
  secretForm('Stripe webhook secret', 'API_KEY', (r) => plant`endpoint_secret = '${v(`whsec_${r.chars(32, ALNUM)}`)}'`),
  secretForm('OpenAI project key', 'API_KEY', (r) => plant`client = OpenAI(api_key="${v(`sk-proj-${r.chars(48, `${ALNUM}-_`)}`)}")`),
  secretForm('Anthropic key', 'API_KEY', (r) => plant`x-api-key: ${v(`sk-ant-api03-${r.chars(93, `${ALNUM}-_`)}AA`)}`),
  secretForm('SendGrid key', 'API_KEY', (r) => plant`SENDGRID_API_KEY=${v(`SG.${r.chars(22, `${ALNUM}-_`)}.${r.chars(43, `${ALNUM}-_`)}`)}`),
  secretForm('Telegram bot token', 'API_KEY', (r) => plant`bot = Bot("${v(`${r.digits(10)}:AA${r.chars(33, `${ALNUM}-_`)}`)}")`),
  secretForm(
    'Google API key in URL',
    'API_KEY',
    (r) => plant`https://maps.googleapis.com/maps/api/geocode/json?address=x&key=${v(`AIza${r.chars(35, `${ALNUM}-_`)}`)}`,
  ),
  secretForm(
    'Azure storage AccountKey',
    'SECRET',
    (r) => plant`DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${v(`${r.chars(86, B64)}==`)};EndpointSuffix=core.windows.net`,
  ),
  secretForm('private key JSON-escaped', 'SECRET', (r) => {
    const body = pemBody(r, 4).join('\\n');
    return plant`{"type": "service_account", "private_key": "${v(`-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----`)}\\n", "client_email": "x@y.iam.gserviceaccount.com"}`;
  }),
  secretForm(
    'OpenSSH private key',
    'SECRET',
    (r) => plant`${v(`-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody(r, 3).join('\n')}\n-----END OPENSSH PRIVATE KEY-----`)}`,
  ),
  secretForm('bearer token in curl', 'SECRET', (r) => plant`curl -H "Authorization: Bearer ${v(r.chars(40, ALNUM))}" https://api.example.com/v1/me`),
  secretForm(
    'bearer token short opaque',
    'SECRET',
    (r) => plant`curl -H 'Authorization: Bearer ${v(r.chars(r.int(16, 22), LOWER + DIGITS))}' https://api.example.com`,
  ),
  secretForm('basic auth header', 'SECRET', (r) => plant`Authorization: Basic ${v(Buffer.from(`${r.pick(FIRST)}:${password(r)}`).toString('base64'))}`),
  secretForm('curl -u user:password', 'SECRET', (r) => plant`curl -u ${r.pick(FIRST)}:${v(password(r))} https://api.example.com/items`),
  secretForm('mysql -p glued password', 'SECRET', (r) => plant`mysql -u root -p${v(password(r))} shop < dump.sql`),
  secretForm('PGPASSWORD env', 'SECRET', (r) => plant`PGPASSWORD=${v(password(r))} psql -h db -U app`),
  secretForm('docker login -p', 'SECRET', (r) => plant`docker login -u ci -p ${v(password(r))} registry.example.com`),
  secretForm('sshpass -p', 'SECRET', (r) => plant`sshpass -p '${v(password(r))}' ssh deploy@host`),
  secretForm('mongodb+srv URI', 'SECRET', (r) => plant`MONGO_URL=mongodb+srv://app:${v(password(r))}@cluster0.ab12c.mongodb.net/prod?retryWrites=true`),
  secretForm('redis URI empty user', 'SECRET', (r) => plant`redis://:${v(password(r))}@cache.internal:6379/0`),
  secretForm('rediss default user', 'SECRET', (r) => plant`REDIS_URL="rediss://default:${v(password(r))}@eu1.upstash.io:6379"`),
  secretForm('amqp URI', 'SECRET', (r) => plant`broker_url = 'amqp://worker:${v(password(r))}@rabbit:5672/vhost'`),
  secretForm('jdbc mysql query password', 'SECRET', (r) => plant`jdbc:mysql://db:3306/shop?user=app&password=${v(password(r))}&useSSL=true`),
  secretForm('jdbc sqlserver ;password=', 'SECRET', (r) => plant`jdbc:sqlserver://db:1433;databaseName=crm;user=sa;password=${v(password(r))};encrypt=true`),
  secretForm('ODBC PWD=', 'SECRET', (r) => plant`Driver={ODBC Driver 18 for SQL Server};Server=tcp:db,1433;UID=sa;PWD=${v(password(r))};`),
  secretForm('smtp URI', 'SECRET', (r) => plant`EMAIL_URL=smtp://mailer:${v(password(r))}@smtp.example.com:587`),
  secretForm(
    'URI percent-encoded password',
    'SECRET',
    (r) => plant`postgresql://app:${v(`${r.chars(6, ALNUM)}%40${r.chars(4, ALNUM)}%23`)}@db.example.com:5432/app`,
  ),
  secretForm('YAML password', 'SECRET', (r) => plant`database:\n  user: app\n  password: "${v(password(r))}"\n`),
  secretForm('TOML password', 'SECRET', (r) => plant`[db]\nuser = "app"\npassword = "${v(password(r))}"\n`),
  secretForm('.env SECRET_KEY', 'SECRET', (r) => plant`DEBUG=false\nSECRET_KEY=${v(r.chars(50, `${ALNUM}!@#%^*(-_=+)`))}\n`),
  secretForm('prose password', 'SECRET', (r) => plant`the wifi password is ${v(password(r))} if you need it`),
  secretForm(
    'password in markdown code',
    'SECRET',
    (r) => plant`Log in with \`admin\` / \`${v(password(r))}\``,
    'out',
    'no password cue: a user/password pair after "log in with" needs a credential-pair rule that ordinary `code` spans would also trip',
  ),
  secretForm('password HTML input value', 'SECRET', (r) => plant`<input type="password" name="pw" value="${v(password(r))}">`),
];

export const PROBE_FORMS: readonly ProbeForm[] = [
  ...cardForms,
  ...ibanForms,
  ...emailForms,
  ...phoneForms,
  ...ipForms,
  ...dobForms,
  ...idForms,
  ...passportForms,
  ...secretForms,
];

/** `perForm` cases of every form, seeded. */
export function probeCases(seed: number, perForm: number): Array<ProbeCase & { scope: 'in' | 'out' }> {
  const r = new Rng(seed);
  const out: Array<ProbeCase & { scope: 'in' | 'out' }> = [];
  for (const f of PROBE_FORMS) {
    for (let i = 0; i < perForm; i++) {
      const { text, spans } = f.make(r);
      out.push({ form: f.form, type: f.type, scope: f.scope, text, spans });
    }
  }
  return out;
}

// ---- negatives: things that look like values and are not personal data ----

const NEGATIVE_FORMS: ReadonlyArray<{ form: string; make: (r: Rng) => string }> = [
  { form: 'order number', make: (r) => `Where is order #${r.digits(r.int(8, 12))}? It was due Monday.` },
  { form: 'order id with letters', make: (r) => `Order ${r.chars(3, UPPER)}-${r.digits(6)}-${r.digits(2)} shipped.` },
  {
    form: 'version string',
    make: (r) => `Upgrade from v${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 30)} to ${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 30)}-rc.${r.int(1, 5)}`,
  },
  { form: 'four-part version', make: (r) => `Chrome ${r.int(100, 130)}.0.${r.int(1000, 6999)}.${r.int(10, 199)} crashes on start` },
  { form: 'price', make: (r) => `It costs $${r.int(1, 9)},${r.digits(3)}.${r.digits(2)} or €${r.int(1, 99)}.${r.digits(3)},${r.digits(2)} in Germany.` },
  {
    form: 'timestamp',
    make: (r) =>
      `At ${2000 + r.int(10, 26)}-${p2(r.int(1, 12))}-${p2(r.int(1, 28))}T${p2(r.int(0, 23))}:${p2(r.int(0, 59))}:${p2(r.int(0, 59))}.${r.digits(3)}Z the job failed.`,
  },
  { form: 'unix epoch ms', make: (r) => `created_at=${r.int(1600000000, 1800000000)}${r.digits(3)} in the log` },
  {
    form: 'UUID',
    make: (r) =>
      `request id ${r.chars(8, '0123456789abcdef')}-${r.chars(4, '0123456789abcdef')}-4${r.chars(3, '0123456789abcdef')}-a${r.chars(3, '0123456789abcdef')}-${r.chars(12, '0123456789abcdef')}`,
  },
  { form: 'hex colour', make: (r) => `Use #${r.chars(6, '0123456789abcdef')} for the header and #${r.chars(3, '0123456789ABCDEF')} for links.` },
  {
    form: 'ISBN-13',
    make: (r) => {
      const b = `978${r.digits(9)}`;
      let s = 0;
      for (let i = 0; i < 12; i++) s += Number(b[i]) * (i % 2 ? 3 : 1);
      return `ISBN ${b.slice(0, 3)}-${b.slice(3, 4)}-${b.slice(4, 8)}-${b.slice(8, 12)}-${(10 - (s % 10)) % 10}`;
    },
  },
  { form: 'git SHA', make: (r) => `commit ${r.chars(40, '0123456789abcdef')} broke the build` },
  { form: 'tracking number', make: (r) => `Tracking 1Z${r.chars(6, UPPER + DIGITS)}${r.digits(10)} is stuck in Memphis.` },
  { form: 'big number with separators', make: (r) => `The population is ${r.int(1, 9)},${r.digits(3)},${r.digits(3)},${r.digits(3)} people.` },
  { form: 'time range', make: (r) => `Meeting ${p2(r.int(8, 17))}:${p2(r.int(0, 59))}-${p2(r.int(8, 17))}:${p2(r.int(0, 59))} in room ${r.int(100, 999)}` },
  { form: 'date without birth cue', make: (r) => `The invoice is dated ${r.int(1, 28)} ${EN_MONTHS[r.int(0, 11)]} ${r.int(2015, 2026)} and due in 30 days.` },
  { form: 'math expression', make: (r) => `What is ${r.digits(6)} * ${r.digits(5)} + ${r.digits(4)}?` },
  { form: 'coordinates', make: (r) => `Coordinates ${r.int(-80, 80)}.${r.digits(4)}, ${r.int(-170, 170)}.${r.digits(4)} on the map` },
  { form: 'port and localhost', make: (r) => `Server listening on 127.0.0.1:${r.int(1024, 65000)} and [::1]:${r.int(1024, 65000)}` },
  { form: 'semver range in package.json', make: (r) => `"dependencies": { "react": "^${r.int(16, 19)}.${r.int(0, 9)}.${r.int(0, 9)}" }` },
  { form: 'npm lockfile integrity', make: (r) => `"integrity": "sha512-${r.chars(86, B64)}=="` },
  { form: 'CSS numbers', make: (r) => `margin: ${r.int(0, 40)}px ${r.int(0, 40)}px; width: calc(100% - ${r.int(10, 99)}px); z-index: ${r.int(1, 9999)};` },
  { form: 'config with placeholder password', make: (r) => `password: \${DB_PASSWORD}\nuser: ${r.pick(['app', 'admin'])}` },
  { form: 'phone-like product code', make: (r) => `Part no. ${r.digits(3)}-${r.digits(3)}-${r.digits(3)} fits model ${r.chars(2, UPPER)}${r.digits(3)}` },
  { form: 'SQL with numbers', make: (r) => `SELECT * FROM orders WHERE id IN (${r.digits(7)}, ${r.digits(7)}) LIMIT ${r.int(10, 100)};` },
];

export function probeNegatives(seed: number, perForm: number): ProbeNegative[] {
  const r = new Rng(seed ^ 0x5eed);
  const out: ProbeNegative[] = [];
  for (const f of NEGATIVE_FORMS) for (let i = 0; i < perForm; i++) out.push({ form: f.form, text: f.make(r) });
  return out;
}
