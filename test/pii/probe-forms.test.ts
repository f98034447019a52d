/**
 * The independent probe of structured forms (test/pii/probe-forms.ts): every planted value, read by
 * `detectPii` alone and by the request detection in four carriers (a user message, a JSON tool argument, a
 * system prompt, two content parts cut inside the value), must be covered by findings on every character
 * that is not a space or an invisible format character; a miss would reach a cloud model on `pseudonymise`.
 * Prints a table per form (PROBE_EXAMPLES=1 lists misses too). Forms marked `scope: 'out'` are measured,
 * not required.
 *
 *   node --import tsx --test test/pii/probe-forms.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import { cueGuardTexts } from '../../src/privacy/cue-guard.js';
import { detectPii } from '../../src/privacy/detect-pii.js';
import { detectPiiInRequest } from '../../src/privacy/detect-request-pii.js';
import { type PlantedSpan, PROBE_FORMS, probeCases, probeNegatives } from './probe-forms.js';

const SEED = Number(process.env.PROBE_SEED ?? 20261206);
const PER_FORM = Number(process.env.PROBE_PER_FORM ?? 20);

type Req = Pick<ChatRequest, 'messages'>;
type Carrier = 'text' | 'user' | 'tool' | 'system' | 'split';
const CARRIERS: readonly Carrier[] = ['text', 'user', 'tool', 'system', 'split'];

/** Characters a leak is not made of: spaces, zero-width and other format characters. */
const INVISIBLE = /[\s\p{Z}\p{Cf}]/u;

function uncovered(text: string, spans: readonly PlantedSpan[], covered: Uint8Array): boolean {
  for (const s of spans) for (let i = s.start; i < s.end; i++) if (!covered[i] && !INVISIBLE.test(text[i] as string)) return true;
  return false;
}

/** Segments of the planted text as the carrier holds them: each with the request path that holds it. */
function carry(
  carrier: Exclude<Carrier, 'text'>,
  text: string,
  spans: readonly PlantedSpan[],
): { request: Req; segments: Array<{ path: string; offset: number }> } {
  if (carrier === 'user') return { request: { messages: [{ role: 'user', content: text }] }, segments: [{ path: 'messages.0.content', offset: 0 }] };
  if (carrier === 'system')
    return {
      request: {
        messages: [
          { role: 'system', content: text },
          { role: 'user', content: 'Please go ahead.' },
        ],
      },
      segments: [{ path: 'messages.0.content', offset: 0 }],
    };
  if (carrier === 'tool')
    return {
      request: {
        messages: [
          { role: 'user', content: 'Save this note.' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'save_note', arguments: JSON.stringify({ note: text }) } }],
          },
        ],
      },
      segments: [{ path: 'messages.1.tool_calls.0.function.arguments.note', offset: 0 }],
    };
  const first = spans[0] as PlantedSpan;
  const cut = first.start + Math.max(1, Math.floor((first.end - first.start) / 2));
  return {
    request: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: text.slice(0, cut) },
            { type: 'text', text: text.slice(cut) },
          ],
        },
      ],
    },
    segments: [
      { path: 'messages.0.content.0.text', offset: 0 },
      { path: 'messages.0.content.1.text', offset: cut },
    ],
  };
}

interface Outcome {
  missed: boolean;
  keptLocal: boolean;
}

function probe(carrier: Carrier, text: string, spans: readonly PlantedSpan[]): Outcome {
  const covered = new Uint8Array(text.length);
  if (carrier === 'text') {
    const findings = detectPii(text);
    for (const f of findings) covered.fill(1, f.start, f.end);
    return { missed: uncovered(text, spans, covered), keptLocal: findings.length > 0 };
  }
  const { request, segments } = carry(carrier, text, spans);
  const { texts, findings } = detectPiiInRequest(request);
  const where = texts.map((t) => [...t.path, ...(t.inner ?? [])].join('.') + (t.key ? '#key' : ''));
  for (const f of findings)
    for (const p of f.pieces) {
      const seg = segments.find((s) => s.path === where[p.text]);
      if (seg) covered.fill(1, seg.offset + p.start, seg.offset + p.end);
    }
  return { missed: uncovered(text, spans, covered), keptLocal: findings.length > 0 || cueGuardTexts(texts) !== null };
}

interface Row {
  form: string;
  type: string;
  scope: 'in' | 'out';
  planted: number;
  missed: Record<Carrier, number>;
  localLeaks: number;
  examples: string[];
}

test('independent probe: every in-scope structured value is covered in every carrier', () => {
  const rows = new Map<string, Row>();
  for (const c of probeCases(SEED, PER_FORM)) {
    let row = rows.get(c.form);
    if (!row) {
      row = { form: c.form, type: c.type, scope: c.scope, planted: 0, missed: { text: 0, user: 0, tool: 0, system: 0, split: 0 }, localLeaks: 0, examples: [] };
      rows.set(c.form, row);
    }
    row.planted++;
    let anyMiss = false;
    for (const carrier of CARRIERS) {
      const o = probe(carrier, c.text, c.spans);
      if (o.missed) {
        row.missed[carrier]++;
        anyMiss = true;
      }
      if (carrier !== 'text' && !o.keptLocal) row.localLeaks++;
    }
    if (anyMiss && row.examples.length < 2) row.examples.push(JSON.stringify(c.spans.map((s) => c.text.slice(s.start, s.end)).join(' | ')).slice(0, 70));
  }

  const lines = [
    '| form | type | scope | planted | missed: detectPii | user | tool arg | system | split | local-only leaks |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const total = { planted: 0, text: 0, user: 0, tool: 0, system: 0, split: 0, local: 0 };
  for (const r of rows.values()) {
    lines.push(
      `| ${r.form} | ${r.type} | ${r.scope} | ${r.planted} | ${r.missed.text} | ${r.missed.user} | ${r.missed.tool} | ${r.missed.system} | ${r.missed.split} | ${r.localLeaks} |`,
    );
    if (r.scope === 'out') continue;
    total.planted += r.planted;
    for (const c of CARRIERS) total[c] += r.missed[c];
    total.local += r.localLeaks;
  }
  lines.push(`| all in scope | | | ${total.planted} | ${total.text} | ${total.user} | ${total.tool} | ${total.system} | ${total.split} | ${total.local} |`);
  console.log(`\nProbe (seed ${SEED}, ${PER_FORM} per form; local-only leaks count the four request carriers):\n${lines.join('\n')}`);
  const missing = [...rows.values()].filter((r) => r.examples.length > 0);
  if (process.env.PROBE_EXAMPLES === '1' || missing.length > 0)
    console.log(`\nExamples of misses:\n${missing.map((r) => `- ${r.form} (${r.scope}): ${r.examples.join('; ')}`).join('\n')}`);

  // In-scope misses left, each with its reason (docs/privacy.md, "An independent probe of structured forms").
  const known: Record<string, { max: number; why: string }> = {
    'passport after cues, 16 languages': { max: 1, why: '"PP no" is not a cue: "pp. no." is also a page reference' },
  };
  const failing = [...rows.values()].filter(
    (r) => r.scope === 'in' && (CARRIERS.some((c) => r.missed[c] > (known[r.form]?.max ?? 0)) || r.localLeaks > (known[r.form]?.max ?? 0) * 4),
  );
  assert.deepEqual(
    failing.map((r) => r.form),
    [],
  );
  assert.equal(rows.size, PROBE_FORMS.length);
});

test('independent probe: false positives on look-alike negatives', () => {
  const byForm = new Map<string, { n: number; any: number; structured: number; example?: string }>();
  for (const neg of probeNegatives(SEED, PER_FORM)) {
    const findings = detectPii(neg.text);
    const row = byForm.get(neg.form) ?? { n: 0, any: 0, structured: 0 };
    row.n++;
    if (findings.length > 0) row.any++;
    const structured = findings.filter((f) => f.type !== 'PERSON');
    if (structured.length > 0) {
      row.structured++;
      row.example ??= `${structured.map((f) => `${f.type}:${neg.text.slice(f.start, f.end)}`).join(', ')}`;
    }
    byForm.set(neg.form, row);
  }
  const lines = ['| negative form | texts | any finding | structured finding (not PERSON) | example |', '| --- | ---: | ---: | ---: | --- |'];
  let n = 0;
  let structured = 0;
  for (const [form, r] of byForm) {
    lines.push(`| ${form} | ${r.n} | ${r.any} | ${r.structured} | ${r.example ? JSON.stringify(r.example).slice(0, 60) : ''} |`);
    n += r.n;
    structured += r.structured;
  }
  lines.push(`| all | ${n} | | ${structured} | |`);
  console.log(`\nNegatives (seed ${SEED}):\n${lines.join('\n')}`);
  // A bar, not a target: look-alikes flagged as structured values stay rare.
  assert.ok(structured / n <= 0.05, `${structured} of ${n} negatives flagged as structured values`);
});
