/**
 * `npm run schema`: regenerates everything derived from src/config/schema.ts — tandem.schema.json (for
 * editors) and the reference tables in docs/configuration.md. Tests fail when either is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { replaceReferenceSection } from '../src/config/config-reference.js';
import { renderJsonSchema } from '../src/config/json-schema.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemaPath = `${root}tandem.schema.json`;
const docsPath = `${root}docs/configuration.md`;

await writeFile(schemaPath, renderJsonSchema());
await writeFile(docsPath, replaceReferenceSection(await readFile(docsPath, 'utf8')));
process.stdout.write(`wrote ${schemaPath}\nupdated the reference in ${docsPath}\n`);
