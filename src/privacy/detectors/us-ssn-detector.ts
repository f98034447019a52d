/**
 * US Social Security numbers: AAA-GG-SSSS (or spaced), excluding ranges the SSA never issues
 * (area 000, 666, 900-999; group 00; serial 0000). Nine bare digits count only after an SSN cue.
 */
import type { PiiFinding } from '../pii-finding.js';
import { hasContextBefore, matchesOf } from './context-words.js';

const GROUPED = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;
const BARE = /(?<!\d)(\d{3})(\d{2})(\d{4})(?!\d)/g;
const CUE = /\b(?:ssn|social security|social sec|ss#|ss #|tin)\b/i;

function plausible(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

export function detectUsSsns(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const m of matchesOf(GROUPED, text)) {
    if (!plausible(m[1] ?? '', m[3] ?? '', m[4] ?? '')) continue;
    const cue = hasContextBefore(text, m.index, CUE, 50);
    const confidence = m[2] === '-' ? (cue ? 0.95 : 0.8) : cue ? 0.9 : 0.5;
    findings.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length, confidence });
  }
  for (const m of matchesOf(BARE, text)) {
    if (!plausible(m[1] ?? '', m[2] ?? '', m[3] ?? '')) continue;
    if (!hasContextBefore(text, m.index, CUE, 30)) continue;
    findings.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length, confidence: 0.85 });
  }
  return findings;
}
