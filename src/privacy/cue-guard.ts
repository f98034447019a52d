/**
 * The cue guard: a safety net for `local-only` routes. A text that names a kind of personal data strongly
 * ("passport", "date of birth", "IBAN", "SSN", "Geburtsdatum", "numéro de sécurité sociale", "contraseña")
 * and has something shaped like an identifier right next to it is kept local even when no detector
 * recognised the value: a passport number in a format no detector knows, a date written in a way no date
 * pattern covers. A cue with no identifier beside it ("how do I renew my passport?") does not trip it.
 *
 * What counts as an identifier: a run of letters and digits, separators of one or two characters inside
 * ("DE89 3704", "14/10/85", "X1234567"), with at least five digits, or at least four digits and a letter or
 * separator (a short date, a letter-prefixed number); after a birth cue also a date with a month name
 * ("14 octobre 1985"); for a secret's cue, any token of six or more
 * characters that is not a plain word. Amounts (after a currency sign, before a `%`) do not count.
 * It reports the kind of cue, never the value.
 */
import { matchesOf } from './detectors/context-words.js';

export type CueKind = 'passport' | 'date-of-birth' | 'bank-account' | 'national-id' | 'card' | 'licence' | 'health-id' | 'secret';

const CUES: ReadonlyArray<{ kind: CueKind; words: readonly string[] }> = [
  {
    kind: 'passport',
    words: [
      'passport',
      'passports',
      'passport no',
      'reisepass',
      'reisepassnummer',
      'passnummer',
      'pass-nr',
      'passeport',
      'pasaporte',
      'passaporto',
      'paspoort',
      'paspoortnummer',
      'passaporte',
      'paszport',
    ],
  },
  {
    kind: 'date-of-birth',
    words: [
      'date of birth',
      'birth date',
      'birthdate',
      'dob',
      'd.o.b',
      'born on',
      'born',
      'geburtsdatum',
      'geboren am',
      'geb.',
      'né le',
      'née le',
      'date de naissance',
      'fecha de nacimiento',
      'nacido el',
      'nacida el',
      'data di nascita',
      'nato il',
      'nata il',
      'geboortedatum',
      'geboren op',
      'data de nascimento',
      'nascido em',
      'nascida em',
    ],
  },
  {
    kind: 'bank-account',
    words: [
      'iban',
      'account number',
      'acct no',
      'routing number',
      'sort code',
      'kontonummer',
      'bankverbindung',
      'numéro de compte',
      'rib',
      'número de cuenta',
      'numero di conto',
      'rekeningnummer',
      'número da conta',
      'nib',
    ],
  },
  {
    kind: 'national-id',
    words: [
      'ssn',
      'social security',
      'social security number',
      'national insurance',
      'nino',
      'ni number',
      'tax id',
      'taxpayer id',
      'tin',
      'national id',
      'id number',
      'identity number',
      'id card',
      'identity card',
      'aadhaar',
      'aadhar',
      'pan number',
      'steuer-id',
      'steueridentifikationsnummer',
      'steuernummer',
      'sozialversicherungsnummer',
      'personalausweis',
      'ausweisnummer',
      'sécurité sociale',
      'securite sociale',
      'numéro de sécurité sociale',
      'nir',
      "carte d'identité",
      'numéro fiscal',
      'seguridad social',
      'dni',
      'nie',
      'nif',
      'documento de identidad',
      'codice fiscale',
      "carta d'identità",
      'bsn',
      'burgerservicenummer',
      'sofinummer',
      'identiteitskaart',
      'cpf',
      'número de contribuinte',
      'segurança social',
      'cartão de cidadão',
      'personnummer',
    ],
  },
  {
    kind: 'card',
    words: [
      'card number',
      'credit card',
      'debit card number',
      'cvv',
      'cvc',
      'kartennummer',
      'numéro de carte',
      'número de tarjeta',
      'numero della carta',
      'kaartnummer',
      'número do cartão',
    ],
  },
  {
    kind: 'licence',
    words: [
      "driver's license",
      "driver's licence",
      'driving licence',
      'driving license',
      'license number',
      'licence number',
      'führerschein',
      'permis de conduire',
      'carné de conducir',
      'patente di guida',
      'rijbewijs',
    ],
  },
  {
    kind: 'health-id',
    words: [
      'medical record',
      'mrn',
      'patient id',
      'health insurance number',
      'insurance number',
      'versichertennummer',
      'krankenversicherungsnummer',
      'tessera sanitaria',
      'numéro de sécu',
      'carte vitale',
    ],
  },
  {
    kind: 'secret',
    words: [
      'password',
      'passwd',
      'passcode',
      'passphrase',
      'pin',
      'passwort',
      'kennwort',
      'mot de passe',
      'contraseña',
      'wachtwoord',
      'senha',
      'secret',
      'api key',
      'token',
    ],
  },
];

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const KIND_OF = new Map<string, CueKind>();
for (const { kind, words } of CUES) for (const w of words) KIND_OF.set(w, kind);
// Longest first, so "social security number" wins over "social security"; `[ _-]` lets a field name
// (`date_of_birth`, `passport-no`) count as the phrase.
const CUE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${[...KIND_OF.keys()]
    .sort((a, b) => b.length - a.length)
    .map((w) => escapeRegExp(w).replace(/ /g, '[ _-]'))
    .join('|')})(?![\\p{L}])`,
  'giu',
);
// Cheap pre-check: every cue has one of these letters' sequences; a text with none skips the scan.
const MAY_HAVE_CUE =
  /pas|birth|dob|d\.o\.b|born|geb|né|naissance|naci|nasc|nato|nata|iban|acc|acct|rout|sort|konto|bank|compte|rib|cuenta|conto|rekening|conta|nib|ssn|soc|insurance|nino|ni[ _-]n|tax|tin|id|aadha|pan|steuer|sozial|ausweis|sécu|secu|nir|iden|fiscal|segur|dni|nie|nif|codice|bsn|burger|sofi|cpf|contribu|cidad|person|card|cvv|cvc|karte|carte|tarjet|carta|kaart|cart|licen|führer|permis|carné|patente|rijbewijs|medical|mrn|patient|versich|tessera|vitale|pass|pin|wort|mot[ _-]de|contrase|wacht|senha|secret|api|token/i;

const IDENTIFIER = /(?<![\p{L}\p{N}])[\p{L}\p{N}]*\d[\p{L}\p{N}]*(?:[ ./\-:]{1,2}[\p{L}\p{N}]*\d[\p{L}\p{N}]*)*/gu;
const AFTER = 48;
const BEFORE = 24;

function looksLikeIdentifier(token: string, before: string, after: string): boolean {
  if (/[$€£¥₹]\s?$/.test(before) || /^\s?(?:%|percent|eur|usd|gbp|euro|dollars?|pounds?)\b/i.test(after)) return false;
  const digits = token.replace(/\D/g, '').length;
  if (digits >= 5) return true;
  return digits >= 4 && /[^\d]/.test(token);
}

/** A secret's value: six or more non-space characters that are not a plain word. */
function looksLikeSecret(window: string): boolean {
  const m = /^[\s:="'`«“]*(?:(?:is|ist|est|es|è|é|was)\s+)?["'`«“]?(\S{6,})/iu.exec(window);
  if (!m) return false;
  const value = (m[1] ?? '').replace(/["'`»”.,;!?]+$/u, '');
  return value.length >= 6 && !/^[\p{L}'’-]+$/u.test(value);
}

// "14 octobre 1985", "Oct. 14, 1985": next to a birth cue, a date with a month name is the value.
const WORD_DATE = /\d{1,2}\.?(?:[ .\-/]+|[ ]+de[ ]+)\p{L}{3,10}\.?(?:[ .\-/,]+|[ ]+de[ ]+)\d{2,4}|\p{L}{3,10}\.? \d{1,2},? \d{4}/u;

function identifierNear(text: string, start: number, end: number, kind: CueKind): boolean {
  const from = Math.max(0, start - BEFORE);
  const to = Math.min(text.length, end + AFTER);
  const window = text.slice(from, to);
  if (kind === 'date-of-birth' && (WORD_DATE.test(text.slice(end, to)) || WORD_DATE.test(text.slice(from, start)))) return true;
  for (const m of matchesOf(IDENTIFIER, window)) {
    const tokenStart = from + m.index;
    // The cue's own digits ("W-2") are not a value.
    if (tokenStart >= start && tokenStart < end) continue;
    if (looksLikeIdentifier(m[0], text.slice(Math.max(0, tokenStart - 2), tokenStart), text.slice(tokenStart + m[0].length, tokenStart + m[0].length + 9)))
      return true;
  }
  return false;
}

export interface CueGuardHit {
  kind: CueKind;
}

/** The first strong cue in `text` with an identifier beside it, or null. */
export function cueGuard(text: string): CueGuardHit | null {
  if (text.length === 0 || !MAY_HAVE_CUE.test(text)) return null;
  for (const m of matchesOf(CUE, text)) {
    const phrase = m[0].toLowerCase().replace(/[_-]/g, ' ');
    const kind = KIND_OF.get(phrase) ?? KIND_OF.get(m[0].toLowerCase()) ?? 'national-id';
    const end = m.index + m[0].length;
    if (kind === 'secret' ? looksLikeSecret(text.slice(end, end + AFTER)) : identifierNear(text, m.index, end, kind)) return { kind };
  }
  return null;
}

/**
 * The cue guard over a request's texts. A text that is a bare value under a field name (tool arguments,
 * `{"passport_no": "X1234567"}`) is read with its field name before it, which is its only cue.
 */
export function cueGuardTexts(texts: ReadonlyArray<{ text: string; cue?: string | undefined }>): CueGuardHit | null {
  for (const { text, cue } of texts) {
    const hit = cueGuard(cue === undefined ? text : `${cue}: ${text}`);
    if (hit) return hit;
  }
  return null;
}
