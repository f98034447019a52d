/**
 * The layout docs/architecture.md promises, checked on the import graph of src/: no import cycles (type
 * imports included: a cycle of types is a cycle of concepts), and API edges that are codecs only.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(join(root, file), 'utf8');
    graph.set(
      file,
      [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts')))),
    );
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), each a cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (;;) {
      const w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('src/ has no import cycles', () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, 'the walk found the sources');
  assert.deepEqual(cycles(graph), []);
});

test('API edges are codecs: they import nothing from policy, routing, accounting, store or governance', () => {
  const edges = ['src/api/openai-chat', 'src/api/anthropic-messages', 'src/api/openai-responses'];
  const forbidden = ['src/policy/', 'src/routing/', 'src/accounting/', 'src/store/', 'src/governance/'];
  const graph = importGraph();
  const offences: string[] = [];
  for (const [file, imports] of graph) {
    if (!edges.some((edge) => file.startsWith(`${edge}/`))) continue;
    for (const target of imports) if (forbidden.some((f) => target.startsWith(f))) offences.push(`${file} -> ${target}`);
  }
  assert.ok([...graph.keys()].filter((f) => edges.some((e) => f.startsWith(e))).length >= 8, 'the edges were found');
  assert.deepEqual(offences, []);
});
