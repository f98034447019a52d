/**
 * The JSON Schema of tandem.yaml, generated from the same zod schema the loader validates with, so editor
 * completion and validation can never disagree with `tandem validate`. It describes the input side:
 * a key with a default is optional. `npm run schema` writes it to tandem.schema.json.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export type JsonSchema = Record<string, unknown>;

export function tandemJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    // draft-07 is the draft editors' YAML and JSON language servers support best.
    target: 'draft-07',
    override: ({ jsonSchema }) => {
      // zod writes JavaScript's safe-integer range on every integer; it is noise to a reader.
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      // Editors would flag `base_url: ${LOCAL_LLM_URL}` against format "uri"; the loader checks the URL
      // after interpolation, so the editor only checks the scheme (or that it starts with a variable).
      if (jsonSchema.format === 'uri') {
        delete jsonSchema.format;
        jsonSchema.pattern = '^(https?://|\\$\\{)';
      }
      // `capabilities: auto` is read by a preprocess step the generator cannot see: offer it beside the mapping.
      const properties = jsonSchema.properties as Record<string, unknown> | undefined;
      if (jsonSchema.type === 'object' && properties?.auto !== undefined && properties.tools !== undefined) {
        const mapping = { ...jsonSchema };
        for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
        Object.assign(jsonSchema, {
          description: mapping.description,
          default: mapping.default,
          anyOf: [
            { const: 'auto', description: 'Short for `{auto: true}`: ask the model server what the model supports.' },
            { ...mapping, description: undefined, default: undefined },
          ],
        });
      }
    },
  }) as JsonSchema;
  return { ...schema, title: 'tandem.yaml' };
}

/** The file's exact text, so a test can compare the committed copy byte for byte. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(tandemJsonSchema(), null, 2)}\n`;
}
