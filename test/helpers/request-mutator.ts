/**
 * Generated bad input for the API: valid OpenAI request bodies with one to three random edits (a value
 * replaced by one of another type, a key removed, an unknown key added). Seeded, so a failure reproduces.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type Random = () => number;

/** One of `items`, chosen by `random`. */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Values of every JSON type, including the awkward ones: huge, negative, fractional, empty, deep. */
export function randomValue(random: Random, depth = 0): Json {
  const kinds = depth > 2 ? 8 : 11;
  switch (Math.floor(random() * kinds)) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [0, -1, 1, 0.5, 2 ** 31, 2 ** 53 + 1, -1e308, 1e308, 3]);
    case 3:
      return pick(random, [
        '',
        ' ',
        'user',
        'assistant',
        'tool',
        'system',
        'function',
        'auto',
        'none',
        'required',
        'json_object',
        'json_schema',
        'text',
        'image_url',
        'x',
      ]);
    case 4:
      return pick(random, ['\u0000', '\ud800', 'é🗼', 'x'.repeat(5_000), 'call_1', 'data:image/png;base64,AAAA', 'https://example.com/a.png', '{"a":', 'true']);
    case 5:
      return [];
    case 6:
      return {};
    case 7:
      return pick(random, [-0, 1.5, 100_000, 9]);
    case 8:
      return [randomValue(random, depth + 1), randomValue(random, depth + 1)];
    case 9:
      return {
        type: pick(random, ['text', 'image_url', 'function', 'json_schema', 'x']),
        [pick(random, ['text', 'name', 'image_url', 'function', 'json_schema'])]: randomValue(random, depth + 1),
      };
    default:
      return Array.from({ length: 40 }, () => [[[[[]]]]]) as Json;
  }
}

/** Every path in a JSON value, as keys and indexes from the root (the root itself excluded). */
function paths(value: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push([...prefix, index]);
      paths(item, [...prefix, index], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      paths(item, [...prefix, key], out);
    }
  }
  return out;
}

function containerAt(root: Json, path: ReadonlyArray<string | number>): Json {
  let node = root;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return null;
    node = (Array.isArray(node) ? node[step as number] : node[step as string]) ?? null;
  }
  return node;
}

/** Sets an own key, `__proto__` included (plain assignment would replace the prototype instead). */
function setKey(object: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of `base` with one to three random edits. */
export function mutate(random: Random, base: Json): Json {
  const root = structuredClone(base);
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits; i++) {
    const all = paths(root);
    if (all.length === 0) break;
    const path = pick(random, all);
    const parent = containerAt(root, path.slice(0, -1));
    const last = path[path.length - 1];
    if (parent === null || typeof parent !== 'object' || last === undefined) continue;
    const action = random();
    if (Array.isArray(parent)) {
      const index = last as number;
      if (action < 0.25) parent.splice(index, 1);
      else if (action < 0.4) parent.push(structuredClone(parent[index] ?? null));
      else parent[index] = randomValue(random);
    } else {
      const key = last as string;
      if (action < 0.25) delete parent[key];
      else if (action < 0.35)
        setKey(
          parent,
          pick(random, ['extra_field', 'n', 'logprobs', 'parallel_tool_calls', 'name', 'refusal', '__proto__', 'constructor']),
          randomValue(random),
        );
      else setKey(parent, key, randomValue(random));
    }
  }
  return root;
}
