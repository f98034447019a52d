/**
 * Generates chat requests with planted personal data and secrets for the leak test: seeded and
 * deterministic, every supported type, planted in every place a request carries text (system, user,
 * assistant and tool turns, text parts, tool-call arguments) at the start, middle or end of a text.
 *
 * Each planted value comes with its `fragments`: substrings that must never reach a cloud model (the whole
 * value, plus the part of it that would still identify someone if only half of it were hidden).
 */
import type OpenAI from 'openai';
import { PII_TYPES, type PiiType } from '../src/privacy/pii-finding.js';
import { seededRandom } from '../src/quality/eval/routing-metrics.js';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface PlantedValue {
  type: PiiType;
  value: string;
  /** Substrings that must never reach a cloud model. */
  fragments: string[];
  /** The part that must come back restored where the model echoed it (an address's street, not its city). */
  core: string;
}

export interface LeakCase {
  index: number;
  messages: Message[];
  /** Offer a tool, so the echoing upstream answers with a tool call. */
  withTools: boolean;
  planted: PlantedValue[];
}

const FIRST = [
  'Maria',
  'James',
  'Olivia',
  'Robert',
  'Sophie',
  'Daniel',
  'Emma',
  'Thomas',
  'Laura',
  'Michael',
  'Anna',
  'David',
  'Julia',
  'Peter',
  'Hannah',
  'Lucas',
];
const LAST = [
  'Gonzalez',
  'Kowalski',
  'Andersson',
  'Whitfield',
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Fitzgerald',
  'Novak',
  'Henderson',
  'Castellano',
  'Johansson',
  'Petrovic',
  'Dalton',
  'Harrington',
  'Vasquez',
];
const STREETS = ['Evergreen', 'Maplewood', 'Birchmont', 'Willowbrook', 'Ashcombe', 'Thornfield', 'Cedarhurst', 'Larkspur'];
const SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'Boulevard', 'Court', 'Terrace'];
const CITIES = ['Springfield', 'Riverton', 'Lakeside', 'Fairview', 'Brookfield'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'example.co.uk'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Types this generator plants, one generator each. Types added later (passports, national ids) are planted
 * by test/pii/planted-values.ts, which the gateway leak bench uses; `IDENTIFIER` is a shape, not a kind of value.
 */
export const PLANTED_TYPES: readonly PiiType[] = PII_TYPES.filter((t) => t !== 'PASSPORT' && t !== 'NATIONAL_ID' && t !== 'IDENTIFIER');

class Gen {
  constructor(readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
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
}

function luhnComplete(prefix: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = prefix + check;
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

function ibanFor(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of rearranged) rest = (rest * 10 + Number(ch)) % 97;
  return `${country}${String(98 - rest).padStart(2, '0')}${bban}`;
}

/** One planted value with the sentence that carries it; `{}` marks where the value goes. */
interface Plant {
  value: PlantedValue;
  sentence: string;
}

function plant(g: Gen, type: PiiType): Plant {
  const first = g.pick(FIRST);
  const last = g.pick(LAST);
  switch (type) {
    case 'EMAIL_ADDRESS': {
      const value = `${first.toLowerCase()}.${last.toLowerCase()}${g.int(1, 99)}@${g.pick(DOMAINS)}`;
      return {
        value: { type, value, fragments: [value], core: value },
        sentence: g.pick(['Reply to {} please.', 'contact: {}', 'The sender was {}, forward it.']),
      };
    }
    case 'PHONE_NUMBER': {
      const value = g.pick([
        () => `+1 (${g.int(201, 989)}) ${g.int(200, 989)}-${g.digits(4)}`,
        () => `+44 20 ${g.int(7000, 8999)} ${g.digits(4)}`,
        () => `+49 30 ${g.digits(4)} ${g.digits(4)}`,
        () => `(${g.int(201, 989)}) ${g.int(200, 989)}-${g.digits(4)}`,
        () => `+33 6 ${g.digits(2)} ${g.digits(2)} ${g.digits(2)} ${g.digits(2)}`,
      ])();
      return {
        value: { type, value, fragments: [value, value.slice(-9)], core: value },
        sentence: g.pick(['Call me on {} after six.', 'phone: {}', 'My mobile is {}.']),
      };
    }
    case 'CREDIT_CARD': {
      const prefix = g.pick(['4', '51', '55', '4000']);
      const card = luhnComplete(prefix + g.digits(15 - prefix.length));
      const grouped = g.random() < 0.5 ? card.replace(/(\d{4})(?=\d)/g, '$1 ') : card;
      return {
        value: { type, value: grouped, fragments: [grouped, card.slice(0, 12)], core: grouped },
        sentence: g.pick(['Charge card {} again.', 'card number {}', 'Use {} for the refund.']),
      };
    }
    case 'IBAN_CODE': {
      const iban = g.pick([
        () => ibanFor('GB', `${g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4)}${g.digits(14)}`),
        () => ibanFor('DE', g.digits(18)),
        () => ibanFor('NL', `${g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4)}${g.digits(10)}`),
      ])();
      const value = g.random() < 0.5 ? iban.replace(/(.{4})(?=.)/g, '$1 ') : iban;
      return {
        value: { type, value, fragments: [value, iban.slice(4)], core: value },
        sentence: g.pick(['Wire it to IBAN {} today.', 'account {}', 'Refund to {} please.']),
      };
    }
    case 'US_SSN': {
      const area = g.pick([g.int(1, 665), g.int(667, 899)]);
      const value = `${String(area).padStart(3, '0')}-${String(g.int(1, 99)).padStart(2, '0')}-${String(g.int(1, 9999)).padStart(4, '0')}`;
      return {
        value: { type, value, fragments: [value, value.replace(/-/g, '')], core: value },
        sentence: g.pick(['My SSN is {}.', 'social security number {}', 'SSN: {}']),
      };
    }
    case 'IP_ADDRESS': {
      const value =
        g.random() < 0.8
          ? `${g.int(11, 223)}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}`
          : `2001:db8:${g.int(1, 0xffff).toString(16)}:${g.int(1, 0xffff).toString(16)}::${g.int(1, 0xfff).toString(16)}`;
      return {
        value: { type, value, fragments: [value], core: value },
        sentence: g.pick(['The login came from {} last night.', 'server {} is down', 'Block {} at the firewall.']),
      };
    }
    case 'DATE_OF_BIRTH': {
      const y = g.int(1940, 2005);
      const m = g.int(1, 12);
      const d = g.int(1, 28);
      const value = g.pick([
        () => `${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}/${y}`,
        () => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
        () => `${MONTHS[m - 1]} ${d}, ${y}`,
        () => `${d} ${MONTHS[m - 1]} ${y}`,
      ])();
      return { value: { type, value, fragments: [value], core: value }, sentence: g.pick(['I was born on {}.', 'DOB: {}', 'date of birth {}, please verify']) };
    }
    case 'STREET_ADDRESS': {
      const street = `${g.int(2, 9899)} ${g.pick(STREETS)} ${g.pick(SUFFIXES)}`;
      const value = g.random() < 0.5 ? `${street}, ${g.pick(CITIES)}` : street;
      return { value: { type, value, fragments: [value, street], core: street }, sentence: g.pick(['Ship it to {}.', 'I moved to {} in May.', 'address: {}']) };
    }
    case 'API_KEY': {
      const value = g.pick([
        () => `sk-proj-${g.chars(ALNUM, 40)}`,
        () => `AKIA${g.chars(UPPER_DIGITS, 16)}`,
        () => `ghp_${g.chars(ALNUM, 36)}`,
        () => `xoxb-${g.digits(11)}-${g.chars(ALNUM, 24)}`,
        () => `AIza${g.chars(ALNUM, 35)}`,
        () => `sk_live_${g.chars(ALNUM, 24)}`,
        () => `sk-ant-api03-${g.chars(ALNUM, 40)}`,
        () => `glpat-${g.chars(ALNUM, 20)}`,
      ])();
      return {
        value: { type, value, fragments: [value, value.slice(-16)], core: value },
        sentence: g.pick(['Why does {} return 401?', 'export OPENAI_KEY={}', 'the key {} leaked']),
      };
    }
    case 'SECRET': {
      const kind = g.int(0, 3);
      if (kind === 0) {
        const body = Array.from({ length: 3 }, () => g.chars(B64, 48)).join('\n');
        const value = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
        return { value: { type, value, fragments: [value, body.slice(0, 48)], core: value }, sentence: 'Is this key valid?\n{}\nthanks' };
      }
      if (kind === 1) {
        const value = `${g.chars(ALNUM, 4)}${g.digits(2)}${g.chars(ALNUM, 4)}!${g.digits(2)}`;
        return {
          value: { type, value, fragments: [value], core: value },
          sentence: g.pick(['password: {}', 'db_password = "{}"', 'My password={} stopped working.']),
        };
      }
      if (kind === 2) {
        const value = `eyJhbGciOiJIUzI1NiJ9.eyJ${g.chars(ALNUM, 30)}.${g.chars(ALNUM, 43)}`;
        return { value: { type, value, fragments: [value, value.slice(-43)], core: value }, sentence: 'Authorization: Bearer {}' };
      }
      const value = `${g.chars(ALNUM, 14)}${g.digits(3)}${g.chars(ALNUM, 15)}`;
      return { value: { type, value, fragments: [value], core: value }, sentence: g.pick(['token {} expired', 'webhook secret {}']) };
    }
    case 'PERSON': {
      const value = `${first} ${last}`;
      return {
        value: { type, value, fragments: [value, last], core: value },
        sentence: g.pick(['Hello, my name is {}.', 'Dear {}, thanks for writing.', 'Name: {}', 'Please ask {} about it.']),
      };
    }
    default:
      throw new Error(`no generator for ${type}`);
  }
}

const ARGUMENT_KEYS: Partial<Record<PiiType, string>> = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD: 'card_number',
  IBAN_CODE: 'iban',
  US_SSN: 'ssn',
  IP_ADDRESS: 'client_ip',
  DATE_OF_BIRTH: 'date_of_birth',
  STREET_ADDRESS: 'shipping_address',
  API_KEY: 'api_key',
  SECRET: 'password',
  PERSON: 'customer_name',
};

const FILLER = [
  'Could you summarise the ticket below in two sentences?',
  'The customer is waiting for an answer about the order.',
  'Keep the tone friendly and short.',
  'This came in through the support form this morning.',
  'We need this sorted before the end of the week.',
  'Nothing else in the thread matters much.',
];

/** Joins filler and planted sentences, the plant at the start, middle or end. */
function textWith(g: Gen, plants: Plant[]): string {
  const sentences = plants.map((p) => p.sentence.replace('{}', p.value.value));
  const parts = [g.pick(FILLER), g.pick(FILLER)];
  for (const s of sentences) parts.splice(g.int(0, parts.length), 0, s);
  return parts.join(g.random() < 0.3 ? '\n' : ' ');
}

/** One value of each type in turn (then random types), each with a sentence that carries it: the carrier harness's fallback source. */
export function generatePlanted(options: { count: number; seed: number }): Array<PlantedValue & { sentence: string }> {
  const g = new Gen(seededRandom(options.seed));
  return Array.from({ length: options.count }, (_, i) => {
    const p = plant(g, PLANTED_TYPES[i % PLANTED_TYPES.length] as PiiType);
    return { ...p.value, sentence: p.sentence.replace('{}', p.value.value) };
  });
}

/** `count` cases from `seed`; each plants 2–5 values spread over the request's texts. */
export function generateLeakCases(options: { count: number; seed: number }): LeakCase[] {
  const g = new Gen(seededRandom(options.seed));
  const cases: LeakCase[] = [];
  for (let index = 0; index < options.count; index++) {
    // Every type in turn first, so even a small corpus covers all of them; then random extras.
    const types = [PLANTED_TYPES[index % PLANTED_TYPES.length] as PiiType];
    for (let extra = g.int(1, 4); extra > 0; extra--) types.push(g.pick(PLANTED_TYPES));
    const plants = types.map((t) => plant(g, t));
    // Places a text can live; each plant goes to one of them.
    const slots: Plant[][] = [[], [], [], [], []]; // system, earlier user, tool args, tool result, last user
    const shape = g.int(0, 2); // 0: single user turn, 1: with system, 2: full tool conversation
    for (const p of plants) {
      const allowed = shape === 0 ? [4] : shape === 1 ? [0, 4] : [0, 1, 2, 3, 4];
      (slots[g.pick(allowed)] as Plant[]).push(p);
    }
    const messages: Message[] = [];
    if (shape >= 1) messages.push({ role: 'system', content: slots[0]?.length ? textWith(g, slots[0]) : 'You are a support assistant.' });
    if (shape === 2) {
      messages.push({ role: 'user', content: slots[1]?.length ? textWith(g, slots[1]) : 'Look up the customer.' });
      const args: Record<string, string> = { query: 'customer record' };
      // A bare value under a key that says what it is, as tool arguments carry them, or a whole sentence.
      (slots[2] ?? []).forEach((p, i) => {
        if (g.random() < 0.5) args[`${ARGUMENT_KEYS[p.value.type]}_${i}`] = p.value.value;
        else args[`note_${i}`] = p.sentence.replace('{}', p.value.value);
      });
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [{ id: `call_${index}`, type: 'function', function: { name: 'lookup_customer', arguments: JSON.stringify(args) } }],
      });
      messages.push({ role: 'tool', tool_call_id: `call_${index}`, content: slots[3]?.length ? textWith(g, slots[3]) : 'no record found' });
    }
    const last = slots[4]?.length ? textWith(g, slots[4]) : g.pick(FILLER);
    // Sometimes as content parts, the way vision-capable clients send text.
    messages.push(
      g.random() < 0.3
        ? {
            role: 'user',
            content: [
              { type: 'text', text: g.pick(FILLER) },
              { type: 'text', text: last },
            ],
          }
        : { role: 'user', content: last },
    );
    cases.push({ index, messages, withTools: g.random() < 0.25, planted: plants.map((p) => p.value) });
  }
  return cases;
}
