/**
 * API keys and secrets. Well-known key formats are API_KEY with high confidence; PEM private-key blocks,
 * JWTs, passwords in URLs and values assigned to password/secret/token names (assigned-secrets.ts) and
 * high-entropy tokens are SECRET.
 * Sources for the formats: each vendor's key documentation and gitleaks' rule set.
 */
import type { PiiFinding } from '../pii-finding.js';
import { detectAssignedSecrets } from './assigned-secrets.js';
import { matchesOf } from './context-words.js';

/** `hints`: substrings every match contains; a text with none of them skips that pattern's scan. */
const KEY_PATTERNS: Array<{ pattern: RegExp; confidence: number; hints: readonly string[] }> = [
  { pattern: /(?<![\w-])sk-ant-[A-Za-z0-9_-]{20,}/g, confidence: 0.99, hints: ['sk-ant-'] },
  { pattern: /(?<![\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, confidence: 0.95, hints: ['sk-'] },
  {
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    confidence: 0.95,
    hints: ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA'],
  },
  { pattern: /(?<![\w])gh[pousr]_[A-Za-z0-9]{36,255}/g, confidence: 0.99, hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'] },
  { pattern: /(?<![\w])github_pat_[A-Za-z0-9_]{22,255}/g, confidence: 0.99, hints: ['github_pat_'] },
  { pattern: /(?<![\w])glpat-[A-Za-z0-9_-]{20,}/g, confidence: 0.99, hints: ['glpat-'] },
  { pattern: /(?<![\w])xox[abposr]-[A-Za-z0-9-]{10,}/g, confidence: 0.97, hints: ['xox'] },
  { pattern: /(?<![\w])AIza[0-9A-Za-z_-]{35}/g, confidence: 0.97, hints: ['AIza'] },
  { pattern: /(?<![\w])(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}/g, confidence: 0.97, hints: ['_live_', '_test_'] },
  { pattern: /(?<![\w])hf_[A-Za-z0-9]{30,}/g, confidence: 0.95, hints: ['hf_'] },
  { pattern: /(?<![\w])npm_[A-Za-z0-9]{36}/g, confidence: 0.95, hints: ['npm_'] },
  // Incoming-webhook URLs carry their own secret: whoever has the URL can post.
  { pattern: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,}/g, confidence: 0.97, hints: ['hooks.slack.com'] },
  { pattern: /https?:\/\/(?:\w+\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/g, confidence: 0.97, hints: ['/api/webhooks/'] },
  // Telegram bot tokens: the bot's id, a colon, then "AA" and 33 more characters.
  { pattern: /(?<![\w:])\d{6,12}:AA[A-Za-z0-9_-]{33}(?![\w-])/g, confidence: 0.95, hints: [':AA'] },
  {
    pattern: /(?<![\w])(?:whsec|sk_org|sq0csp|shpat|shpss|pypi-AgE)[_-][A-Za-z0-9_-]{20,}/g,
    confidence: 0.95,
    hints: ['whsec_', 'sk_org', 'sq0csp', 'shpat_', 'shpss_', 'pypi-'],
  },
];

const PEM = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
const JWT = /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const TOKEN = /(?<![A-Za-z0-9+/_=.-])[A-Za-z0-9+/_=-]{24,}(?![A-Za-z0-9+/_=.-])/g;
const HAS_DIGIT = /\d/;
const SRI = /^sha(?:1|256|384|512)-/;
const GIT_CUE = /(?<![\p{L}])(?:commit|commits|sha|sha1|sha-1|rev|revision|hash|digest|checksum|object|tree|blob|merge|cherry-pick|revert|git \w+)[\s:#=]*$/iu;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

function looksRandom(token: string): boolean {
  if (UUID.test(token)) return false;
  const hasDigit = /\d/.test(token);
  const hasLower = /[a-z]/.test(token);
  const hasUpper = /[A-Z]/.test(token);
  const classes = Number(hasDigit) + Number(hasLower) + Number(hasUpper);
  if (classes < 2 || !hasDigit) return false;
  // Identifiers like some_long_function_name_2 are long but readable: require few separators.
  if ((token.match(/[_\-/]/g) ?? []).length > token.length / 8) return false;
  const threshold = /^[0-9a-f]+$/i.test(token) ? 3.5 : 4.0;
  return shannonEntropy(token) >= threshold;
}

export function detectSecrets(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const { pattern, confidence, hints } of KEY_PATTERNS) {
    if (!hints.some((hint) => text.includes(hint))) continue;
    for (const m of matchesOf(pattern, text)) {
      findings.push({ type: 'API_KEY', start: m.index, end: m.index + m[0].length, confidence });
    }
  }
  if (text.includes('-----BEGIN')) {
    for (const m of matchesOf(PEM, text)) {
      findings.push({ type: 'SECRET', start: m.index, end: m.index + m[0].length, confidence: 0.99 });
    }
  }
  if (text.includes('eyJ')) {
    for (const m of matchesOf(JWT, text)) {
      findings.push({ type: 'SECRET', start: m.index, end: m.index + m[0].length, confidence: 0.9 });
    }
  }
  findings.push(...detectAssignedSecrets(text));
  // looksRandom rejects a token without a digit, so a text without one has no high-entropy token to find.
  if (!HAS_DIGIT.test(text)) return findings;
  for (const m of matchesOf(TOKEN, text)) {
    // "created_at=1746370281924" is a name and a value: only the value can be a token.
    const name = /^[A-Za-z][A-Za-z_]*=(?!=)/.exec(m[0]);
    const token = name ? m[0].slice(name[0].length) : m[0];
    const start = m.index + (name ? name[0].length : 0);
    if (token.length < 24 || !looksRandom(token)) continue;
    // A subresource-integrity hash ("sha512-…") and a git object id after "commit"/"sha"/"rev" are digests
    // of public content, not secrets.
    if (SRI.test(token) || (/^[0-9a-f]{7,64}$/.test(token) && GIT_CUE.test(text.slice(Math.max(0, start - 24), start)))) continue;
    findings.push({ type: 'SECRET', start, end: start + token.length, confidence: 0.6 });
  }
  return findings;
}
