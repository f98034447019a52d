import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { replaceReferenceSection } from './config-reference.js';
import { renderJsonSchema, tandemJsonSchema } from './json-schema.js';

const root = new URL('../../', import.meta.url);

test('the committed tandem.schema.json matches the schema (run `npm run schema` after changing schema.ts)', async () => {
  const committed = await readFile(new URL('tandem.schema.json', root), 'utf8');
  assert.equal(committed, renderJsonSchema());
});

test('the reference tables in docs/configuration.md match the schema (run `npm run schema`)', async () => {
  const docs = await readFile(new URL('docs/configuration.md', root), 'utf8');
  assert.equal(docs, replaceReferenceSection(docs));
});

test('the JSON Schema is strict, documents keys, and leaves keys with defaults optional', () => {
  const schema = tandemJsonSchema() as {
    additionalProperties: unknown;
    required: string[];
    properties: Record<string, { description?: string; properties?: Record<string, { default?: unknown; description?: string }> }>;
  };
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.required, ['models']);
  const server = schema.properties.server;
  assert.equal(server?.properties?.port?.default, 8421);
  assert.match(server?.properties?.port?.description ?? '', /TCP port/);
});
