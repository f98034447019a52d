/**
 * The embedded adapter on the real runtime: node-llama-cpp running the committed stories260K GGUF (a real
 * TinyStories model, 1 MB), and random-weight GGUFs written by the converter script for the edge cases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedModelSchema, type EmbeddedModelConfig } from '../../config/schema.js';
import type { ChatRequest, GenerationParams } from '../../spec/chat-request.js';
import { ProviderError } from '../../spec/errors.js';
import type { StreamPart } from '../../spec/stream-part.js';
import type { CallContext, ProviderAdapter } from '../provider-adapter.js';
import { writeRandomGguf } from '../../../scripts/convert-llama2c-to-gguf.js';
import { createEmbeddedAdapter } from './embedded-adapter.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROMPT = 'Once upon a time';

function config(overrides: Record<string, unknown> = {}): EmbeddedModelConfig {
  return embeddedModelSchema.parse({
    provider: 'embedded',
    path: 'models/stories260K.gguf',
    locality: 'local',
    context_window: 512,
    ...overrides,
  });
}

function request(params: GenerationParams = {}, content = PROMPT): ChatRequest {
  return { model: 'stories', messages: [{ role: 'user', content }], stream: false, includeUsage: true, params, extra: {} };
}

function context(signal: AbortSignal = new AbortController().signal): CallContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { signal, requestId: 'test', warn: (m) => warnings.push(m), requestStreamUsage: true, warnings };
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

const textOf = (parts: StreamPart[]): string => parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');

describe('embedded adapter on stories260K', () => {
  let adapter: ProviderAdapter;
  before(() => {
    adapter = createEmbeddedAdapter({ name: 'stories', config: config(), baseDir: REPO_ROOT });
  });
  after(() => adapter.close());

  test('generate continues the prompt with a TinyStories-like story and exact usage', async () => {
    const result = await adapter.generate(request({ temperature: 0, max_tokens: 40 }), context());
    assert.match(result.text, /^, there was a little girl named Lily\./);
    assert.deepEqual(result.finishReason, { unified: 'length', raw: 'max_tokens' });
    const promptTokens = await adapter.countTokens!(PROMPT);
    // The fallback prompt is BOS + the message text.
    assert.equal(result.usage?.inputTokens, promptTokens + 1);
    assert.equal(result.usage?.outputTokens, 40);
    assert.equal(result.usage?.estimated, false);
  });

  test('countTokens uses the model tokenizer (SentencePiece pieces, not GPT tokens)', async () => {
    // tok512 has the pieces "Once", "▁upon", "▁a", "▁time".
    assert.equal(await adapter.countTokens!(PROMPT), 4);
    // A character outside its 512 pieces falls back to its UTF-8 bytes: "▁" + 3 byte tokens for "中".
    assert.equal(await adapter.countTokens!('中'), 4);
  });

  test('stream yields start, text deltas and a finish; same seed, same text and usage as generate', async () => {
    const params: GenerationParams = { temperature: 0.9, seed: 1234, max_tokens: 60 };
    const parts = await collect(adapter.stream({ ...request(params), stream: true }, context()));
    assert.equal(parts[0]?.type, 'start');
    assert.ok(parts.filter((p) => p.type === 'text-delta').length > 5);
    const finish = parts.at(-1);
    assert.equal(finish?.type, 'finish');
    const result = await adapter.generate(request(params), context());
    assert.equal(textOf(parts), result.text);
    if (finish?.type !== 'finish') return;
    assert.equal(finish.usage?.inputTokens, result.usage?.inputTokens);
    assert.equal(finish.usage?.outputTokens, result.usage?.outputTokens);
    const other = await adapter.generate(request({ ...params, seed: 99 }), context());
    assert.notEqual(other.text, result.text, 'a different seed samples a different story');
  });

  test('ends with finish reason stop at the end-of-sequence token when max_tokens is not reached', async () => {
    const result = await adapter.generate(request({ temperature: 1, seed: 7 }), context());
    assert.deepEqual(result.finishReason, { unified: 'stop', raw: 'eos' });
    assert.ok(result.text.length > 20);
  });

  test('a stop sequence ends the answer before it', async () => {
    const result = await adapter.generate(request({ temperature: 0, stop: [' named'] }), context());
    assert.equal(result.text, ', there was a little girl');
    assert.deepEqual(result.finishReason, { unified: 'stop', raw: 'stop_sequence' });
  });

  test('abort stops the stream at once, and the model serves the next request', async () => {
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    for await (const part of adapter.stream(request({ temperature: 0, max_tokens: 400 }), context(controller.signal))) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort();
    }
    assert.equal(parts.filter((p) => p.type === 'text-delta').length, 1);
    const last = parts.at(-1);
    assert.equal(last?.type, 'error');
    assert.equal(last?.type === 'error' ? last.error.kind : '', 'aborted');
    const next = await adapter.generate(request({ temperature: 0, max_tokens: 5 }), context());
    assert.equal(next.usage?.outputTokens, 5);
  });

  test('an already aborted call rejects with an aborted ProviderError', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(adapter.generate(request(), context(controller.signal)), (e: unknown) => {
      return e instanceof ProviderError && e.kind === 'aborted';
    });
  });

  test('json_object constrains the output to JSON with a grammar', async () => {
    const result = await adapter.generate(request({ response_format: { type: 'json_object' }, max_tokens: 30, seed: 3 }), context());
    assert.match(result.text, /^\s*[{[]/);
  });

  test('settings it cannot honour become warnings', async () => {
    const ctx = context();
    await adapter.generate(
      request({
        max_tokens: 2,
        n: 2,
        tools: [{ type: 'function', function: { name: 'f' } }],
      }),
      ctx,
    );
    assert.ok(ctx.warnings.some((w) => w.includes('n=2')));
    assert.ok(ctx.warnings.some((w) => w.includes('tools')));
  });
});

describe('embedded adapter concurrency and errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-embedded-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('requests beyond `parallel` queue and all complete; a queued request can be aborted', async () => {
    const adapter = createEmbeddedAdapter({ name: 'one', config: config({ parallel: 1 }), baseDir: REPO_ROOT });
    try {
      const long = adapter.generate(request({ temperature: 0, max_tokens: 300 }), context());
      const controller = new AbortController();
      const queued = adapter.generate(request({ temperature: 0, max_tokens: 300 }), context(controller.signal));
      setTimeout(() => controller.abort(), 20);
      const short = adapter.generate(request({ temperature: 0, max_tokens: 10 }), context());
      await assert.rejects(queued, (e: unknown) => e instanceof ProviderError && e.kind === 'aborted');
      const [a, b] = await Promise.all([long, short]);
      assert.equal(a.usage?.outputTokens, 300);
      assert.equal(b.usage?.outputTokens, 10);
      assert.ok(a.text.startsWith(b.text), 'greedy answers to the same prompt agree');
    } finally {
      await adapter.close();
    }
  });

  test('a full context ends the answer with length; a prompt that cannot fit is refused', async () => {
    // llama.cpp rounds a context up to a multiple of 256 tokens.
    const adapter = createEmbeddedAdapter({ name: 'small', config: config({ context_size: 64 }), baseDir: REPO_ROOT });
    try {
      const result = await adapter.generate(request({ temperature: 0 }), context());
      assert.deepEqual(result.finishReason, { unified: 'length', raw: 'context_full' });
      const used = (result.usage?.inputTokens ?? 0) + (result.usage?.outputTokens ?? 0);
      assert.ok(used > 200 && used <= 256, `used ${used} tokens of a 256-token context`);
      await assert.rejects(adapter.generate(request({}, 'Once upon a time '.repeat(80)), context()), (e: unknown) => {
        return e instanceof ProviderError && e.statusCode === 400 && /the context holds 256/.test(e.message);
      });
    } finally {
      await adapter.close();
    }
  });

  test('a missing model file is a ProviderError naming the path and the fix', async () => {
    const adapter = createEmbeddedAdapter({ name: 'ghost', config: config({ path: 'nope/missing.gguf' }), baseDir: dir });
    await assert.rejects(adapter.generate(request(), context()), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.match(e.message, /model file not found/);
      assert.ok(e.message.includes(join(dir, 'nope/missing.gguf')));
      assert.match(e.message, /tandem\.yaml/);
      assert.equal(e.isRetryable, false);
      return true;
    });
    await adapter.close();
  });

  test('a file that is not GGUF, or a broken GGUF, is a clear ProviderError', async () => {
    await writeFile(join(dir, 'junk.gguf'), 'this is not a model');
    const junk = createEmbeddedAdapter({ name: 'junk', config: config({ path: 'junk.gguf' }), baseDir: dir });
    await assert.rejects(junk.countTokens!('x'), /not a GGUF file.*junk\.gguf/);
    await junk.close();

    const whole = await readFile(join(REPO_ROOT, 'models/stories260K.gguf'));
    await writeFile(join(dir, 'truncated.gguf'), whole.subarray(0, whole.length / 2));
    const truncated = createEmbeddedAdapter({ name: 'cut', config: config({ path: 'truncated.gguf' }), baseDir: dir });
    await assert.rejects(truncated.countTokens!('x'), /llama\.cpp could not load the model.*truncated\.gguf/s);
    await truncated.close();
  });

  test('a GGUF with a chat template is formatted with it; one without gets the plain fallback', async () => {
    const chatml =
      "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}" +
      "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    await writeRandomGguf({ outPath: join(dir, 'chat.gguf'), chatTemplate: chatml, seed: 5 });
    await writeRandomGguf({ outPath: join(dir, 'plain.gguf'), seed: 5 });
    const chat = createEmbeddedAdapter({ name: 'chat', config: config({ path: 'chat.gguf' }), baseDir: dir });
    const plain = createEmbeddedAdapter({ name: 'plain', config: config({ path: 'plain.gguf' }), baseDir: dir });
    try {
      const text = 'hi there';
      const plainResult = await plain.generate(request({ max_tokens: 8, seed: 1 }, text), context());
      assert.equal(plainResult.usage?.inputTokens, (await plain.countTokens!(text)) + 1);
      assert.equal(plainResult.usage?.outputTokens, 8);
      const chatResult = await chat.generate(request({ max_tokens: 8, seed: 1 }, text), context());
      const templateOverhead = (chatResult.usage?.inputTokens ?? 0) - (await chat.countTokens!(text));
      // The role markers alone ("<|im_start|>user", "<|im_end|>", "<|im_start|>assistant") are dozens of tokens here.
      assert.ok(templateOverhead > 20, `template added only ${templateOverhead} tokens`);
    } finally {
      await Promise.all([chat.close(), plain.close()]);
    }
  });
});
