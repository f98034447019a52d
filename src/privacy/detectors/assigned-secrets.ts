/**
 * Secrets a text names: a password in a URL's user info (`postgres://app:pa55!@db/x`, any characters,
 * even an unescaped `@` or `#`), and values assigned to a secret's name in code, configuration, connection
 * strings and prose, in several languages (`DB_PASSWORD=…`, `"password": "…"`, `Password=…;` in an
 * ADO.NET string, `&password=…` in a JDBC URL, "das Passwort ist …", "mot de passe : …").
 *
 * A password may hold any character but whitespace, so a value runs to the next whitespace or closing
 * quote, and is cut only where the next `;key=` or `&key=` of a connection string or query begins. Trailing sentence
 * punctuation stays inside the span: hiding a full stop costs nothing, leaking a final `!` does.
 */
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf } from './context-words.js';

const SCHEME = /(?<![\w+.-])[a-z][a-z0-9+.-]{1,20}:\/\//gi;
const HOST_AFTER_AT =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:[/?#,;"'\\\])}]|$)/;

/** Passwords in `scheme://user:password@host` user info. */
function urlPasswords(text: string, out: PiiFinding[]): void {
  for (const m of matchesOf(SCHEME, text)) {
    const from = m.index + m[0].length;
    let end = from;
    while (end < text.length && !/[\s"'`<>]/.test(text[end] ?? ' ')) end++;
    const token = text.slice(from, end);
    // The last `@` followed by a host ends the user info, so an `@` inside the password stays in it.
    for (let at = token.lastIndexOf('@'); at > 0; at = token.lastIndexOf('@', at - 1)) {
      if (!HOST_AFTER_AT.test(token.slice(at + 1))) continue;
      const colon = token.indexOf(':');
      if (colon >= 0 && colon < at && at - colon > 1) {
        // Above an e-mail's 0.95: the password's tail and the host read as `x@host.tld` too.
        out.push({ type: 'SECRET', start: from + colon + 1, end: from + at, confidence: 0.98 });
      }
      break;
    }
  }
}

const NAMES = [
  'password',
  'passwd',
  'pwd',
  'pw',
  'pass',
  'passphrase',
  'passcode',
  'secret',
  'client[ _]secret',
  'api[ _-]?key',
  'apikey',
  'access[ _-]?token',
  'auth[ _-]?token',
  'token',
  'private[ _-]?key',
  'aws[ _]secret[ _]access[ _]key',
  'credentials?',
  'passwort',
  'kennwort',
  'mot de passe',
  'mdp',
  'contraseña',
  'contrasena',
  'clave',
  'wachtwoord',
  'senha',
  'password di accesso',
];
// `db_password=`, `MY_API_KEY:`, `"password": `, `Password=`, `password is`, `Passwort ist`. A prefix joined by
// `_` or `-` needs no pattern of its own: the name only has to start after something that is not a letter.
// Latin-1 and Latin Extended letter ranges instead of \p{L}: without the `u` flag this scan is several times faster.
const ASSIGNED = new RegExp(
  `(?<![A-Za-z0-9\u00C0-\u024F])(?:${NAMES.join('|')})(?:\\\\?["'])?[ \\t]*(?:[:=]|(?:is|ist|est|es|è|é|lautet|was)(?![A-Za-z\u00C0-\u024F]))[ \\t]*`,
  'gi',
);
// A key has no spaces, except ADO.NET's few two-word keys; so `pa;ss dbname=` is a password `pa;ss`.
const NEXT_KEY =
  /^[;&](?:[A-Za-z][A-Za-z0-9_.]{0,30}|User ID|Initial Catalog|Data Source|Integrated Security|Persist Security Info|Connect Timeout|Application Name|Trust Server Certificate)=/i;
// Quotes around a value are not part of it; brackets may be (a password can start with `[`), so they stay.
const CLOSE: Record<string, string> = { '"': '"', "'": "'", '`': '`', '“': '”', '«': '»', '‘': '’', '„': '“' };

/** The value after a secret's name, or null when none or when it reads like prose ("is required"). */
function assignedValue(text: string, from: number): { start: number; end: number } | null {
  let start = from;
  if (text[start] === '\\') start++;
  const open = text[start] ?? '';
  const close = CLOSE[open];
  if (close !== undefined) start++;
  let end = start;
  while (end < text.length && end - start < 200) {
    const ch = text[end] ?? '';
    if (/\s/.test(ch)) break;
    if (close !== undefined ? ch === close : ch === '"' || ch === '`') break;
    // The next parameter of a query or connection string begins: `;Database=`, `&user=`. (A comma is not a
    // separator in any of these formats, so `pa55,` keeps its comma.)
    if ((ch === ';' || ch === '&') && NEXT_KEY.test(text.slice(end, end + 34))) break;
    end++;
  }
  if (end < text.length && text[end - 1] === '\\' && text[end] === '"') end--;
  const value = text.slice(start, end);
  if (value.length < 4) return null;
  // Prose: "password: is required", "the password is too short", "token = none".
  if (/^[\p{Ll}]+[.,;:!?]?$/u.test(value) || /^(?:null|none|true|false|undefined|required|optional|\*+|x+|\.{3}|<[^>]*>|\$\{[^}]*\}|%[^%]*%)$/i.test(value))
    return null;
  return { start, end };
}

// An environment variable or constant whose name holds a secret's name anywhere (`PGPASSWORD=`, `SECRET_KEY=`,
// `DJANGO_SECRET_KEY:`), in upper case as such names are written; not one that names where a secret is
// or how it is shaped (`TOKEN_URL`, `PASSWORD_FILE`, `SECRET_KEY_PATH`, `PASSWORD_MIN_LENGTH`).
const ENV_ASSIGNED =
  /(?<![A-Za-z0-9_])(?:[A-Z][A-Z0-9_]*)?(?:PASSWORD|PASSWD|SECRET|TOKEN|APIKEY|API_KEY|AUTH|CREDENTIALS|PRIVATE_KEY)(?:_(?!URL|URI|PATH|FILE|DIR|ENDPOINT|HOST|PORT|LENGTH|TTL|EXPIR|TYPE|NAME|HEADER)[A-Z0-9]+)*(?![A-Za-z0-9_])[ \t]*[=:][ \t]*/g;
// Credentials in HTTP headers: "Authorization: Bearer …", "Basic …", "Token …"; and a bare "Bearer <token>".
const AUTH_HEADER = /(?<![A-Za-z-])(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|basic|token|digest|apikey|api-key)[ \t]+/gi;
const BEARER = /(?<![A-Za-z])Bearer[ \t]+(?=[A-Za-z0-9._~+/-]*\d)/g;
// Passwords on a command line: `--password=…`, `--db-password …`, `curl -u user:pass`, `mysql -pPASS`,
// `sshpass -p …`, `docker login -p …`, `redis-cli -a …` (short flags only for the commands that mean a password by them).
const LONG_FLAG = /(?<![\w-])--(?:[a-z]+-)*(?:password|passwd|pass|token|secret|api-?key|client-secret|auth)(?:=|[ \t]+)(?=[^\s-])/gi;
const USER_FLAG = /(?<![\w-])(?:-u|--user|--proxy-user)[ \t]+["']?[^\s:"'@]+:/g;
const SHORT_FLAG =
  /(?<![\w-])(?:mysql\w*|mariadb\w*|sshpass|docker login|podman login|helm registry login|mongo(?:sh|dump|restore|import|export)?|redis-cli)\b[^\n|;&]*?[ \t]-(?:p|a)(?:[ \t]+|(?=[^\s-]))(?=[^\s-])/g;
// `<input type="password" … value="…">`, the attributes in either order.
const PASSWORD_INPUT = /<input\b(?=[^>]*\btype=["']?password\b)[^>]*?\bvalue=/gi;

/**
 * A value that starts at `from`, with the usual checks, pushed at `confidence`. A header or flag value
 * inside a single-quoted shell argument ends before the closing quote (`-H 'Authorization: Bearer x'`).
 */
function pushValue(text: string, from: number, confidence: number, out: PiiFinding[]): void {
  const v = assignedValue(text, from);
  if (!v) return;
  const end = text[v.end - 1] === "'" && !text.slice(v.start, v.end - 1).includes("'") ? v.end - 1 : v.end;
  out.push({ type: 'SECRET', start: v.start, end, confidence });
}

export function detectAssignedSecrets(text: string): PiiFinding[] {
  const out: PiiFinding[] = [];
  if (text.includes('://')) urlPasswords(text, out);
  for (const m of matchesOf(ASSIGNED, text)) {
    const v = assignedValue(text, m.index + m[0].length);
    if (v) out.push({ type: 'SECRET', start: v.start, end: v.end, confidence: 0.85 });
  }
  for (const m of matchesOf(ENV_ASSIGNED, text)) pushValue(text, m.index + m[0].length, 0.85, out);
  if (/authoriz|bearer/i.test(text)) {
    for (const m of matchesOf(AUTH_HEADER, text)) pushValue(text, m.index + m[0].length, 0.95, out);
    for (const m of matchesOf(BEARER, text)) pushValue(text, m.index + m[0].length, 0.85, out);
  }
  if (text.includes('-')) {
    for (const m of matchesOf(LONG_FLAG, text)) pushValue(text, m.index + m[0].length, 0.85, out);
    for (const m of matchesOf(USER_FLAG, text)) pushValue(text, m.index + m[0].length, 0.85, out);
    for (const m of matchesOf(SHORT_FLAG, text)) pushValue(text, m.index + m[0].length, 0.85, out);
  }
  if (/<input/i.test(text)) for (const m of matchesOf(PASSWORD_INPUT, text)) pushValue(text, m.index + m[0].length, 0.9, out);
  return out;
}
