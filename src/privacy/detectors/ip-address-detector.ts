/**
 * IPv4 dotted quads and IPv6 addresses (validated by node:net, so `10:30:00` is not an address), with any
 * punctuation around them: brackets and a port (`[2001:db8::1]:443`), a trailing full stop or colon.
 */
import { isIPv6 } from 'node:net';
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf } from './context-words.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?![\\d]|\\.\\d)`, 'g');
// One character class, so matching stays linear on hostile input; node:net decides what is an address.
const IPV6 = /(?<![0-9A-Za-z:.])[0-9A-Fa-f:.]{3,45}(?![0-9A-Za-z:.])/g;

export function detectIpAddresses(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  if (text.includes('.')) {
    for (const m of matchesOf(IPV4, text)) {
      // Version-like strings ("1.0.0.0") are common in technical prompts; lower confidence for them.
      // Loopback and "any" as written in configs (127.0.0.1, 0.0.0.0) are every machine's, no one's.
      const confidence = m[0] === '127.0.0.1' || m[0] === '0.0.0.0' ? 0.3 : /^\d\.\d\.\d\.\d$/.test(m[0]) ? 0.5 : 0.9;
      findings.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, confidence });
    }
  }
  if (text.includes(':')) {
    for (const m of matchesOf(IPV6, text)) {
      let value = m[0];
      // The character class takes a sentence's full stop or a label's colon with it: "… from 2001:db8::1."
      while (value.length > 0 && /[.:]$/.test(value) && !isIPv6(value)) value = value.slice(0, -1);
      if (value.length < 6 || value.indexOf(':') === value.lastIndexOf(':') || !isIPv6(value)) continue;
      findings.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + value.length, confidence: value === '::1' || value === '::' ? 0.3 : 0.9 });
    }
  }
  return findings;
}
