/** Payment cards, IBANs, API keys, passwords and connection strings with credentials. */
import { ibanFor, luhnComplete } from './check-digits.js';
import { ALNUM, DIGITS, type Form, type Gen, LOWER, UPPER } from './gen.js';

const CARD_CUES = ['card {}', 'Kartennummer: {}', 'carte bancaire {}', 'tarjeta {}', 'charge {} again', '{}', 'cc: {}', 'my visa is {}', 'numero carta {}'];
const CARD_SHAPES: Array<{ name: string; prefixes: readonly string[]; length: number; group: (d: string) => string }> = [
  { name: 'visa-16-spaced', prefixes: ['4'], length: 16, group: (d) => d.replace(/(\d{4})(?=\d)/g, '$1 ') },
  { name: 'visa-16-dashed', prefixes: ['4'], length: 16, group: (d) => d.replace(/(\d{4})(?=\d)/g, '$1-') },
  { name: 'visa-16-compact', prefixes: ['4'], length: 16, group: (d) => d },
  { name: 'mastercard-16', prefixes: ['51', '52', '53', '54', '55', '2221', '2720'], length: 16, group: (d) => d.replace(/(\d{4})(?=\d)/g, '$1 ') },
  { name: 'amex-15-4-6-5', prefixes: ['34', '37'], length: 15, group: (d) => `${d.slice(0, 4)} ${d.slice(4, 10)} ${d.slice(10)}` },
  { name: 'discover-16', prefixes: ['6011', '65'], length: 16, group: (d) => d.replace(/(\d{4})(?=\d)/g, '$1 ') },
  { name: 'jcb-16', prefixes: ['3528', '3589'], length: 16, group: (d) => d },
  { name: 'maestro-19', prefixes: ['6759', '5018'], length: 19, group: (d) => d.replace(/(\d{4})(?=\d)/g, '$1 ') },
];
export const CARD_FORMS: Form[] = CARD_SHAPES.map((shape) => ({
  form: `card-${shape.name}`,
  lang: 'en',
  make: (g) => {
    const prefix = g.pick(shape.prefixes);
    return { value: shape.group(luhnComplete(prefix + g.digits(shape.length - prefix.length - 1))), clause: g.pick(CARD_CUES) };
  },
}));

const IBAN_BBAN: Record<string, (g: Gen) => string> = {
  DE: (g) => g.digits(18),
  GB: (g) => `${g.chars(UPPER, 4)}${g.digits(14)}`,
  FR: (g) => `${g.digits(10)}${g.chars(UPPER + DIGITS, 11)}${g.digits(2)}`,
  ES: (g) => g.digits(20),
  IT: (g) => `${g.chars(UPPER, 1)}${g.digits(10)}${g.chars(UPPER + DIGITS, 12)}`,
  NL: (g) => `${g.chars(UPPER, 4)}${g.digits(10)}`,
  BE: (g) => g.digits(12),
  AT: (g) => g.digits(16),
  CH: (g) => `${g.digits(5)}${g.chars(UPPER + DIGITS, 12)}`,
  PT: (g) => g.digits(21),
  PL: (g) => g.digits(24),
  IE: (g) => `${g.chars(UPPER, 4)}${g.digits(14)}`,
};
const IBAN_CUES = [
  'IBAN {}',
  'IBAN: {}',
  'wire it to {}',
  'Bankverbindung: {}',
  'compte {}',
  'cuenta {}',
  'conto {}',
  'rekeningnummer {}',
  '{}',
  'refund to {} please',
];
export const IBAN_FORMS: Form[] = Object.keys(IBAN_BBAN).flatMap((country) =>
  (['compact', 'grouped', 'lowercase'] as const).map(
    (shape): Form => ({
      form: `iban-${country.toLowerCase()}-${shape}`,
      lang: 'en',
      make: (g) => {
        const iban = ibanFor(country, IBAN_BBAN[country]!(g));
        const value = shape === 'compact' ? iban : shape === 'grouped' ? iban.replace(/(.{4})(?=.)/g, '$1 ') : iban.toLowerCase();
        return { value, clause: g.pick(IBAN_CUES) };
      },
    }),
  ),
);

/** Passwords with the characters people put in them, including URL delimiters that should have been escaped. */
function password(g: Gen): string {
  const core = g.chars(ALNUM, g.int(6, 14));
  const special = g.chars('!#$%^&*()-_+=[]{}~?.,;', g.int(1, 3));
  return g.pick([
    core + special,
    special + core,
    core.slice(0, 4) + special + core.slice(4),
    `${g.chars(UPPER, 1)}${g.chars(LOWER, 5)}${g.digits(2)}${g.pick(['!', '#', '!!', '#1!', '$'])}`,
  ]);
}
const HOSTS = ['db.internal', 'localhost', '10.0.3.7', 'prod-db.example.com', 'cluster0.ab1cd.mongodb.net', 'redis.example.net'];
const USERS = ['admin', 'app_user', 'postgres', 'root', 'svc-billing', 'reporter'];
const CONNECTION: Array<{ name: string; make(g: Gen, pw: string): string }> = [
  { name: 'postgres-url', make: (g, pw) => `postgres://${g.pick(USERS)}:${pw}@${g.pick(HOSTS)}:5432/${g.pick(['app', 'billing', 'prod'])}` },
  { name: 'postgresql-url', make: (g, pw) => `postgresql://${g.pick(USERS)}:${pw}@${g.pick(HOSTS)}/main?sslmode=require` },
  { name: 'mysql-url', make: (g, pw) => `mysql://${g.pick(USERS)}:${pw}@${g.pick(HOSTS)}:3306/shop` },
  { name: 'mongodb-srv', make: (g, pw) => `mongodb+srv://${g.pick(USERS)}:${pw}@${g.pick(HOSTS)}/test?retryWrites=true` },
  { name: 'redis-url', make: (g, pw) => `redis://:${pw}@${g.pick(HOSTS)}:6379/0` },
  { name: 'amqp-url', make: (g, pw) => `amqp://${g.pick(USERS)}:${pw}@${g.pick(HOSTS)}:5672/` },
  { name: 'https-userinfo', make: (g, pw) => `https://${g.pick(USERS)}:${pw}@${g.pick(HOSTS)}/repo.git` },
  { name: 'jdbc-params', make: (g, pw) => `jdbc:postgresql://${g.pick(HOSTS)}:5432/app?user=${g.pick(USERS)}&password=${pw}` },
  { name: 'ado-net', make: (g, pw) => `Server=${g.pick(HOSTS)};Database=app;User Id=${g.pick(USERS)};Password=${pw};` },
  { name: 'dsn-keywords', make: (g, pw) => `host=${g.pick(HOSTS)} port=5432 user=${g.pick(USERS)} password=${pw} dbname=app` },
];
const CONNECTION_CLAUSES = ['why does {} fail?', 'DATABASE_URL={}', 'connect with "{}"', 'conn string: {}', '{}', 'config: {url: "{}"}'];
export const CONNECTION_FORMS: Form[] = CONNECTION.map((shape) => ({
  form: `secret-connection-${shape.name}`,
  lang: 'en',
  make: (g) => {
    // The password is the value that must not leak; `{}` in the clause is filled with the whole string.
    const pw = password(g);
    const whole = shape.make(g, pw);
    return { value: pw, clause: g.pick(CONNECTION_CLAUSES).replace('{}', whole.replace(pw, '{}')) };
  },
}));

const ASSIGNMENTS = [
  'password: {}',
  'DB_PASSWORD={}',
  'Passwort: {}',
  'mot de passe : {}',
  'contraseña: {}',
  'pwd={}',
  '"password": "{}"',
  "secret = '{}'",
  'export API_TOKEN={}',
  'wachtwoord: {}',
  'senha: {}',
];
const API_KEYS: Array<{ name: string; make(g: Gen): string }> = [
  { name: 'openai', make: (g) => `sk-proj-${g.chars(`${ALNUM}_-`, 48)}` },
  { name: 'anthropic', make: (g) => `sk-ant-api03-${g.chars(`${ALNUM}_-`, 60)}` },
  { name: 'aws-access-key', make: (g) => `AKIA${g.chars(`${UPPER}234567`, 16)}` },
  { name: 'github-pat', make: (g) => `ghp_${g.chars(ALNUM, 36)}` },
  { name: 'stripe', make: (g) => `sk_live_${g.chars(ALNUM, 24)}` },
  { name: 'slack', make: (g) => `xoxb-${g.digits(11)}-${g.digits(12)}-${g.chars(ALNUM, 24)}` },
  { name: 'google', make: (g) => `AIza${g.chars(`${ALNUM}_-`, 35)}` },
];
export const SECRET_FORMS: Form[] = [
  ...CONNECTION_FORMS,
  { form: 'secret-password-assigned', lang: 'en', make: (g) => ({ value: password(g), clause: g.pick(ASSIGNMENTS) }) },
  {
    form: 'secret-password-prose',
    lang: 'en',
    make: (g) => ({
      value: password(g),
      clause: g.pick(['my password is {}', 'das Passwort ist {}', 'le mot de passe est {}', 'la contraseña es {}', 'pw: {}']),
    }),
  },
];
export const API_KEY_FORMS: Form[] = API_KEYS.map((k) => ({
  form: `api-key-${k.name}`,
  lang: 'en',
  make: (g) => ({ value: k.make(g), clause: g.pick(['{}', 'key: {}', 'export KEY={}', 'Authorization: Bearer {}', 'use {} for the call']) }),
}));
