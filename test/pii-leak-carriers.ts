/**
 * Carriers for the gateway leak test and bench: every place in a chat request a personal value can ride in,
 * each turned into a request (openai client parameters) that plants one value there, and the fragments of
 * it that must never reach a cloud model. A value split across two parts or two turns is cut inside the
 * value, and each half is a fragment of its own.
 */
import type OpenAI from 'openai';
import { detectPiiInRequest } from '../src/privacy/detect-request-pii.js';
import type { PiiType } from '../src/privacy/pii-finding.js';
import type { ChatRequest } from '../src/spec/chat-request.js';

type Params = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, 'model'>;

export const CARRIERS = [
  'user message',
  'system message',
  'earlier turn',
  'message name',
  'user field',
  'metadata',
  'stop',
  'prediction',
  'tool description',
  'tool parameter schema',
  'response_format schema',
  'tool-call arguments',
  'tool result',
  'image URL',
  'text beside an image',
  'split across two parts',
  'split across two turns',
] as const;

export type Carrier = (typeof CARRIERS)[number];

export interface Planted {
  type: PiiType;
  value: string;
  /** Contains `value`. */
  sentence: string;
}

export interface CarrierCase {
  carrier: Carrier;
  planted: Planted;
  params: Params;
  /** Substrings that must not reach the cloud: the value, and for a split value each half of it. */
  fragments: string[];
  /**
   * Where the value can come back restored when a cloud model echoes what it read (not: a dropped name, an
   * image URL, the `user` field, which a cloud model only gets as a keyed hash).
   */
  restorable: boolean;
  /** The text that holds the value as the carrier puts it: what detection must find it in. */
  carried: string;
}

const ARGUMENT_KEYS: Partial<Record<PiiType, string>> = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD: 'card_number',
  IBAN_CODE: 'iban',
  US_SSN: 'ssn',
  PASSPORT: 'passport_number',
  NATIONAL_ID: 'national_id',
  IP_ADDRESS: 'client_ip',
  DATE_OF_BIRTH: 'date_of_birth',
  STREET_ADDRESS: 'shipping_address',
  API_KEY: 'api_key',
  SECRET: 'password',
  PERSON: 'customer_name',
};

const TOOL = (description: string | undefined, parameters: Record<string, unknown>): OpenAI.Chat.Completions.ChatCompletionTool => ({
  type: 'function',
  function: { name: 'lookup_customer', ...(description === undefined ? {} : { description }), parameters },
});

/** Cuts the sentence inside its value, both halves of the value at least 4 characters where it is long enough. */
function cut(p: Planted, random: () => number): { before: string; after: string; halves: string[] } {
  const at = p.sentence.indexOf(p.value);
  const min = p.value.length >= 8 ? 4 : 1;
  const k = min + Math.floor(random() * Math.max(1, p.value.length - 2 * min + 1));
  const split = at + Math.min(k, p.value.length - 1);
  const halves = [p.value.slice(0, split - at), p.value.slice(split - at)].filter((h) => h.trim().length >= 4);
  return { before: p.sentence.slice(0, split), after: p.sentence.slice(split), halves };
}

/** The request that carries `p` in `carrier`. */
export function carrierCase(carrier: Carrier, p: Planted, random: () => number): CarrierCase {
  const plain = (params: Params, carried: string, restorable = true): CarrierCase => ({
    carrier,
    planted: p,
    params,
    fragments: [p.value],
    restorable,
    carried,
  });
  const ask = { role: 'user' as const, content: 'Please handle this.' };
  switch (carrier) {
    case 'user message':
      return plain({ messages: [{ role: 'user', content: p.sentence }] }, p.sentence);
    case 'system message':
      return plain({ messages: [{ role: 'system', content: `You are a support agent. ${p.sentence}` }, ask] }, `You are a support agent. ${p.sentence}`);
    case 'earlier turn':
      return plain(
        {
          messages: [
            { role: 'user', content: p.sentence },
            { role: 'assistant', content: 'Noted, thank you.' },
            { role: 'user', content: 'Can you repeat what I told you?' },
          ],
        },
        p.sentence,
      );
    case 'message name':
      // OpenAI accepts only identifiers here; a placeholder cannot stand in, so the field is left out.
      return plain({ messages: [{ role: 'user', content: 'Hello there.', name: p.value }] }, p.value, false);
    case 'user field':
      // Hashed for every cloud model on a privacy route (src/privacy/upstream-user.ts): nothing to restore.
      return plain({ messages: [ask], user: p.value }, p.value, false);
    case 'metadata':
      return plain({ messages: [ask], metadata: { note: p.sentence.slice(0, 500) } }, p.sentence.slice(0, 500));
    case 'stop':
      return plain({ messages: [ask], stop: [p.value.slice(0, 200)] }, p.value.slice(0, 200));
    case 'prediction':
      return plain({ messages: [ask], prediction: { type: 'content', content: p.sentence } }, p.sentence);
    case 'tool description':
      return plain(
        { messages: [ask], tools: [TOOL(`Looks up a customer. ${p.sentence}`, { type: 'object', properties: { id: { type: 'string' } } })] },
        `Looks up a customer. ${p.sentence}`,
      );
    case 'tool parameter schema':
      return plain(
        {
          messages: [ask],
          tools: [
            TOOL('Looks up a customer.', {
              type: 'object',
              properties: { [ARGUMENT_KEYS[p.type] ?? 'value']: { type: 'string', description: `For example: ${p.sentence}` } },
            }),
          ],
        },
        `For example: ${p.sentence}`,
      );
    case 'response_format schema':
      return plain(
        {
          messages: [ask],
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'answer', schema: { type: 'object', properties: { reply: { type: 'string', description: p.sentence } } } },
          },
        },
        p.sentence,
      );
    case 'tool-call arguments': {
      const bare = random() < 0.5;
      const args = bare ? { [ARGUMENT_KEYS[p.type] ?? 'value']: p.value } : { note: p.sentence };
      return plain(
        {
          messages: [
            ask,
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_customer', arguments: JSON.stringify(args) } }],
            },
            { role: 'tool', tool_call_id: 'call_1', content: 'done' },
          ],
        },
        bare ? p.value : p.sentence,
      );
    }
    case 'tool result':
      return plain(
        {
          messages: [
            ask,
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_customer', arguments: '{"id":"c-1"}' } }],
            },
            { role: 'tool', tool_call_id: 'call_1', content: p.sentence },
          ],
        },
        p.sentence,
      );
    case 'image URL': {
      const url = `https://files.example.com/scan.png?ref=${p.value}`;
      return plain(
        {
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image_url', image_url: { url } },
                { type: 'text', text: 'What does this show?' },
              ],
            },
          ],
        },
        url,
        false,
      );
    }
    case 'text beside an image':
      return plain(
        {
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image_url', image_url: { url: 'https://files.example.com/form.png' } },
                { type: 'text', text: p.sentence },
              ],
            },
          ],
        },
        p.sentence,
      );
    case 'split across two parts': {
      const c = cut(p, random);
      return {
        carrier,
        planted: p,
        params: {
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: c.before },
                { type: 'text', text: c.after },
              ],
            },
          ],
        },
        fragments: [p.value, ...c.halves],
        restorable: true,
        carried: p.sentence,
      };
    }
    case 'split across two turns': {
      const c = cut(p, random);
      return {
        carrier,
        planted: p,
        params: {
          messages: [
            { role: 'user', content: c.before },
            { role: 'user', content: c.after },
          ],
        },
        fragments: [p.value, ...c.halves],
        restorable: true,
        carried: p.sentence,
      };
    }
  }
}

/** Every string in a JSON value, JSON text inside strings opened up too, so escaping cannot hide a value. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value);
    if (value.startsWith('{') || value.startsWith('[')) {
      try {
        allStrings(JSON.parse(value), out);
      } catch {
        // not JSON: the string itself is enough
      }
    }
  } else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allStrings(v, out);
    }
  }
  return out;
}

/**
 * Whether the gateway's request detection hides the value where the carrier puts it: every text holding it
 * covered by a finding (any finding, where a finding drops the field or keeps the request local). This is
 * the reading the gateway makes, identifier-shaped bare values (bare-identifier.ts) included; the `user`
 * field is never read, it is always hashed. A value split across parts or turns is held to
 * foundWhereCarried on its sentence instead.
 */
export function foundInRequest(c: Pick<CarrierCase, 'carrier' | 'params' | 'planted'>): boolean {
  if (c.carrier === 'user field') return true;
  const { messages, prediction, ...params } = c.params;
  const request = {
    messages: messages as unknown as ChatRequest['messages'],
    params: params as unknown as ChatRequest['params'],
    extra: prediction ? { prediction } : {},
  };
  const { texts, findings } = detectPiiInRequest(request);
  return texts.every((t, i) => {
    const at = t.text.indexOf(c.planted.value);
    if (at < 0) return true;
    const pieces = findings.flatMap((f) => f.pieces.filter((p) => p.text === i));
    if (t.onFinding !== 'replace') return pieces.length > 0;
    return pieces.some((p) => p.start <= at && p.end >= at + c.planted.value.length);
  });
}

/** Whether the detectors find the value in the text that carries it (the baseline a carrier is held to). */
export function foundWhereCarried(
  c: Pick<CarrierCase, 'carried' | 'planted'>,
  detect: (text: string) => ReadonlyArray<{ start: number; end: number }>,
): boolean {
  const at = c.carried.indexOf(c.planted.value);
  return at >= 0 && detect(c.carried).some((f) => f.start <= at && f.end >= at + c.planted.value.length);
}

/** What a carrier is held to: the request's own detection, or for a split value its whole sentence's. */
export function foundForCarrier(c: CarrierCase, detect: (text: string) => ReadonlyArray<{ start: number; end: number }>): boolean {
  return c.carrier === 'split across two parts' || c.carrier === 'split across two turns' ? foundWhereCarried(c, detect) : foundInRequest(c);
}
