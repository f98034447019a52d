/**
 * Generated oversized shapes for the API fuzz test: deep nesting (up to 10,000 levels, which the openai
 * client or JSON.stringify could not even write, so the body is produced as text) and counts just past the
 * server.max_* limits. Seeded like request-mutator.ts.
 */
import { DEFAULT_SHAPE_LIMITS } from '../../src/api/json-shape-limits.js';
import { pick, type Json } from './request-mutator.js';

type Random = () => number;

/** What the generator did, so the test can hold the answer to it. */
export interface ShapedBody {
  text: string;
  /** The deepest nesting in the text, when a deep value was put in (the body itself is level 1). */
  depth: number | null;
}

const DEPTHS = [8, 62, 63, 64, 65, 100, 2_500, 5_000, 10_000];
/** Put where the deep value goes, then replaced in the text. */
const SENTINEL = '__tandem_deep_value__';

/** `body` as text with, now and then, one deep value or one over-long list. */
export function shapeEdit(random: Random, body: Json): ShapedBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { text: JSON.stringify(body), depth: null };
  const copy = { ...body } as Record<string, Json>;
  if (random() < 0.5) {
    overCount(random, copy);
    return { text: JSON.stringify(copy), depth: null };
  }
  const depth = pick(random, DEPTHS);
  // Where the deep value goes, and how deep that place already is (the body is level 1).
  const places: Array<[string, () => void, number]> = [
    ['unknown field', () => (copy.x_unknown = SENTINEL), 1],
    ['tool parameters', () => (copy.tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { p: SENTINEL } } } }]), 6],
    ['content part', () => (copy.messages = [{ role: 'user', content: [{ type: 'input_audio', input_audio: SENTINEL }] }]), 5],
    ['metadata', () => (copy.metadata = { team: SENTINEL }), 2],
  ];
  const [, place, base] = pick(random, places);
  place();
  const nested = random() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
  const text = JSON.stringify(copy).replace(JSON.stringify(SENTINEL), nested);
  return { text, depth: base + depth };
}

/** One list (or metadata) one past its default limit. */
function overCount(random: Random, body: Record<string, Json>): void {
  const limits = DEFAULT_SHAPE_LIMITS;
  const message: Json = { role: 'user', content: 'x' };
  switch (Math.floor(random() * 5)) {
    case 0:
      body.messages = Array.from({ length: limits.max_messages + 1 }, () => message);
      break;
    case 1:
      body.messages = [{ role: 'user', content: Array.from({ length: limits.max_content_parts + 1 }, () => ({ type: 'text', text: 'x' })) }];
      break;
    case 2:
      body.tools = Array.from({ length: limits.max_tools + 1 }, (_, i) => ({ type: 'function', function: { name: `f${i}` } }));
      break;
    case 3:
      body.metadata = Object.fromEntries(Array.from({ length: limits.max_metadata_keys + 1 }, (_, i) => [`k${i}`, 'v']));
      break;
    default:
      body.input = Array.from({ length: limits.max_embedding_inputs + 1 }, () => 'x');
  }
}
