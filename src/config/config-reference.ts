/**
 * The key-by-key reference in docs/configuration.md, generated from the JSON Schema (itself generated from
 * schema.ts) by `npm run schema`, so the documented types, defaults and meanings cannot drift from what the
 * loader accepts. Discriminated unions (model providers, policies, routers, stores) get a table per variant.
 */
import { tandemJsonSchema, type JsonSchema } from './json-schema.js';

export const REFERENCE_BEGIN = '<!-- BEGIN GENERATED REFERENCE: edit src/config/schema.ts, then run `npm run schema` -->';
export const REFERENCE_END = '<!-- END GENERATED REFERENCE -->';

interface Row {
  key: string;
  type: string;
  fallback: string;
  meaning: string;
}

interface Section {
  title: string;
  intro: string;
  tables: { heading?: string; intro?: string; rows: Row[] }[];
}

export function renderConfigReference(): string {
  const sections: Section[] = [];
  const root: Section = { title: 'Top level', intro: '', tables: [] };
  sections.push(root);
  root.tables.push({ rows: objectRows({ schema: tandemJsonSchema(), prefix: '', titlePrefix: '', sections }) });
  const out: string[] = [];
  for (const section of sections) {
    out.push(`### ${section.title}`, '');
    if (section.intro !== '') out.push(section.intro, '');
    for (const table of section.tables) {
      if (table.heading !== undefined) out.push(`#### ${table.heading}`, '');
      if (table.intro !== undefined && table.intro !== '') out.push(table.intro, '');
      out.push('| key | type | default | meaning |', '| --- | --- | --- | --- |');
      for (const row of table.rows) out.push(`| ${[row.key, row.type, row.fallback, row.meaning].map(cell).join(' | ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

/** Rows for an object's keys; unions and mappings of entries get their own sections (titled from `titlePrefix`). */
function objectRows(options: { schema: JsonSchema; prefix: string; titlePrefix: string; sections: Section[] }): Row[] {
  const { schema, prefix, titlePrefix, sections } = options;
  const properties = asRecord(schema.properties) ?? {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const rows: Row[] = [];
  for (const [key, raw] of Object.entries(properties)) {
    const prop = asRecord(raw) ?? {};
    const name = `${prefix}${key}`;
    const fallback = required.has(key) ? '**required**' : 'default' in prop ? code(JSON.stringify(prop.default)) : '—';
    const meaning = typeof prop.description === 'string' ? prop.description : prop.const !== undefined ? 'Selects this variant.' : '';
    const items = asRecord(prop.items);
    const values = asRecord(prop.additionalProperties);
    if (Array.isArray(prop.oneOf)) {
      const title = `\`${titlePrefix}${name}\``;
      unionSection({ title, variants: prop.oneOf, titlePrefix: `${titlePrefix}${name}.`, sections, intro: meaning });
      rows.push({ key: name, type: `one of ${variantNames(prop.oneOf)}; see ${title}`, fallback, meaning });
    } else if (items !== undefined && Array.isArray(items.oneOf)) {
      const title = `\`${titlePrefix}${name}[]\``;
      unionSection({ title, variants: items.oneOf, titlePrefix: `${titlePrefix}${name}[].`, sections, intro: meaning });
      rows.push({ key: name, type: `list of ${variantNames(items.oneOf)}; see ${title}`, fallback, meaning });
    } else if (items !== undefined && items.properties !== undefined) {
      rows.push({ key: name, type: 'list of mappings', fallback, meaning });
      rows.push(...objectRows({ schema: items, prefix: `${name}[].`, titlePrefix, sections }));
    } else if (values !== undefined && (values.properties !== undefined || Array.isArray(values.oneOf))) {
      const title = `\`${titlePrefix}${name}.<name>\``;
      const entryPrefix = `${titlePrefix}${name}.<name>.`;
      if (Array.isArray(values.oneOf)) {
        unionSection({ title, variants: values.oneOf, titlePrefix: entryPrefix, sections, intro: meaning });
      } else {
        // Pushed before its rows are computed so nested sections follow their parent in the document.
        const section: Section = { title, intro: meaning, tables: [] };
        sections.push(section);
        section.tables.push({ rows: objectRows({ schema: values, prefix: '', titlePrefix: entryPrefix, sections }) });
      }
      rows.push({ key: name, type: `mapping of name → entry; see ${title}`, fallback, meaning });
    } else if (prop.properties !== undefined) {
      rows.push({ key: name, type: 'mapping', fallback, meaning });
      rows.push(...objectRows({ schema: prop, prefix: `${name}.`, titlePrefix, sections }));
    } else if (Array.isArray(prop.anyOf) && prop.anyOf.some((v) => asRecord(v)?.properties !== undefined)) {
      // A mapping that may also be written as a word (`capabilities: auto`).
      const mapping = prop.anyOf.map(asRecord).find((v) => v?.properties !== undefined) ?? {};
      const words = prop.anyOf
        .map(asRecord)
        .filter((v) => v?.const !== undefined)
        .map((v) => code(String(v?.const)));
      rows.push({ key: name, type: ['mapping', ...words].join(' or '), fallback, meaning });
      rows.push(...objectRows({ schema: mapping, prefix: `${name}.`, titlePrefix, sections }));
    } else {
      rows.push({ key: name, type: typeName(prop), fallback, meaning });
    }
  }
  return rows;
}

function unionSection(options: { title: string; variants: unknown[]; titlePrefix: string; sections: Section[]; intro: string }): void {
  const key = discriminator(options.variants);
  const section: Section = {
    title: options.title,
    intro: `${options.intro}${options.intro === '' ? '' : ' '}The \`${key}\` key chooses the variant.`,
    tables: [],
  };
  options.sections.push(section);
  for (const raw of options.variants) {
    const variant = asRecord(raw) ?? {};
    section.tables.push({
      heading: `${key}: ${constOf(variant, key)}`,
      intro: typeof variant.description === 'string' ? variant.description : '',
      rows: objectRows({ schema: variant, prefix: '', titlePrefix: options.titlePrefix, sections: options.sections }),
    });
  }
}

function discriminator(variants: unknown[]): string {
  const first = asRecord(asRecord(variants[0])?.properties) ?? {};
  return Object.keys(first).find((key) => asRecord(first[key])?.const !== undefined) ?? 'type';
}

function variantNames(variants: unknown[]): string {
  const key = discriminator(variants);
  return variants.map((v) => code(constOf(asRecord(v) ?? {}, key))).join(', ');
}

function constOf(variant: JsonSchema, key: string): string {
  return String(asRecord(asRecord(variant.properties)?.[key])?.const ?? '?');
}

function typeName(prop: JsonSchema): string {
  if (prop.const !== undefined) return code(String(prop.const));
  if (Array.isArray(prop.enum)) return prop.enum.map((v) => code(String(v))).join(' | ');
  const bounds: string[] = [];
  if (typeof prop.minimum === 'number') bounds.push(`≥ ${prop.minimum}`);
  if (typeof prop.exclusiveMinimum === 'number') bounds.push(`> ${prop.exclusiveMinimum}`);
  if (typeof prop.maximum === 'number') bounds.push(`≤ ${prop.maximum}`);
  const suffix = bounds.length > 0 ? ` ${bounds.join(', ')}` : '';
  switch (prop.type) {
    case 'string':
      return prop.format === 'uri' || (typeof prop.pattern === 'string' && prop.pattern.startsWith('^(https?')) ? 'URL' : 'string';
    case 'integer':
      return `integer${suffix}`;
    case 'number':
      return `number${suffix}`;
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = asRecord(prop.items);
      return `list of ${items === undefined ? 'values' : typeName(items)}`;
    }
    case 'object': {
      const values = asRecord(prop.additionalProperties);
      return `mapping of string → ${values === undefined ? 'value' : typeName(values)}`;
    }
    default:
      return 'value';
  }
}

function code(text: string): string {
  return `\`${text}\``;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function asRecord(value: unknown): JsonSchema | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

/** Replaces the generated part of docs/configuration.md (between the markers) with a fresh rendering. */
export function replaceReferenceSection(markdown: string): string {
  const begin = markdown.indexOf(REFERENCE_BEGIN);
  const end = markdown.indexOf(REFERENCE_END);
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error(`the document has no generated-reference markers (${REFERENCE_BEGIN} ... ${REFERENCE_END})`);
  }
  return `${markdown.slice(0, begin)}${REFERENCE_BEGIN}\n\n${renderConfigReference()}\n${markdown.slice(end)}`;
}
