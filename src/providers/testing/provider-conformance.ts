/**
 * The end-to-end matrix every HTTP provider adapter runs (after TensorZero's provider test matrix): real HTTP
 * against a fake upstream on loopback that replays the adapter's recorded fixtures, streaming and not, with
 * the edge cases real upstreams produce. An adapter opts out of a case only explicitly, with a reason.
 *
 * Fixture files expected in `fixtures.dir` (raw bodies as the provider sends them):
 *   text.json, text.chunks.txt            one answer, non-streamed and streamed (same text, same usage)
 *   tool-call.json, tool-call.chunks.txt  tool calls, non-streamed and streamed (argument deltas)
 *   keep-alive.chunks.txt                 the text stream with keep-alive comments / ping events
 *   mid-stream-error.chunks.txt           some text, then the provider's error event
 *   no-usage.chunks.txt                   the text stream without any usage
 *   no-done.chunks.txt                    the text stream without its terminating event
 *   error-429.json, error-400.json        the provider's error bodies
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ChatRequest } from '../../spec/chat-request.js';
import { ProviderError } from '../../spec/errors.js';
import type { StreamPart } from '../../spec/stream-part.js';
import type { Usage } from '../../spec/usage.js';
import type { CallContext, ProviderAdapter } from '../provider-adapter.js';
import { asRecord } from '../json-fields.js';
import { splitIntoByteChunks, startFakeUpstream, type FakeResponse, type FakeUpstream } from './fake-upstream.js';

export type ConformanceCase =
  | 'non-stream text'
  | 'stream text'
  | 'usage parity'
  | 'tool calls'
  | 'streamed tool calls'
  | 'split chunks'
  | 'keep-alive pings'
  | 'mid-stream error'
  | 'missing usage'
  | 'no terminator'
  | 'rate limited'
  | 'bad request'
  | 'server error'
  | 'connection refused'
  | 'timeout'
  | 'abort'
  | 'socket destroyed';

export interface ConformanceExpectations {
  /** The answer in text.json / text.chunks.txt (and the keep-alive, no-usage and no-terminator streams). */
  text: string;
  /** The usage in text.json / text.chunks.txt. */
  usage: Usage;
  /** The calls in tool-call.json / tool-call.chunks.txt, arguments parsed. */
  toolCalls: Array<{ id: string; name: string; arguments: unknown }>;
  /** Text that comes with the tool calls ('' when none). */
  toolCallText: string;
  /** Text streamed before the failure in mid-stream-error.chunks.txt. */
  textBeforeError: string;
}

export interface ProviderConformanceSuite {
  name: string;
  /** The adapter under test, pointed at the fake upstream's origin (`http://127.0.0.1:port`). */
  createAdapter(baseUrl: string, overrides?: { timeoutMs?: number }): ProviderAdapter;
  fixtures: {
    dir: string;
    /** Where the adapter posts chat calls, as the upstream sees the path (e.g. `/v1/chat/completions`). */
    chatPath: string;
    expected: ConformanceExpectations;
  };
  /** Cases this adapter skips, each with its reason. */
  optOut?: Partial<Record<ConformanceCase, string>>;
}

export const conformanceTextRequest: ChatRequest = {
  model: 'conformance',
  messages: [
    { role: 'system', content: 'Answer in one sentence.' },
    { role: 'user', content: 'What is the capital of France?' },
  ],
  stream: false,
  includeUsage: false,
  params: { max_tokens: 64, temperature: 0 },
  extra: {},
};

export const conformanceToolRequest: ChatRequest = {
  model: 'conformance',
  messages: [{ role: 'user', content: 'What is the weather like in Paris and in Tokyo?' }],
  stream: false,
  includeUsage: false,
  params: {
    max_tokens: 256,
    tool_choice: 'auto',
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: {
            type: 'object',
            properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
            required: ['location'],
          },
        },
      },
    ],
  },
  extra: {},
};

export function runProviderConformance(suite: ProviderConformanceSuite): void {
  const { dir, chatPath, expected } = suite.fixtures;
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  const json = (file: string): unknown => JSON.parse(read(file)) as unknown;
  const fixtures = {
    text: json('text.json'),
    textStream: read('text.chunks.txt'),
    tool: json('tool-call.json'),
    toolStream: read('tool-call.chunks.txt'),
    keepAlive: read('keep-alive.chunks.txt'),
    midStreamError: read('mid-stream-error.chunks.txt'),
    noUsage: read('no-usage.chunks.txt'),
    noTerminator: read('no-done.chunks.txt'),
    error429: json('error-429.json'),
    error400: json('error-400.json'),
  };
  const caseTest = (name: ConformanceCase, fn: () => Promise<void>): void => {
    const reason = suite.optOut?.[name];
    test(name, reason ? { skip: reason } : {}, fn);
  };

  describe(`${suite.name} conformance`, () => {
    let upstream: FakeUpstream;
    let adapter: ProviderAdapter;

    /** Answers streams with `stream`, other calls with `body`. */
    const answer = (options: { body?: unknown; stream?: FakeResponse['chunks']; chunkDelayMs?: number }): void =>
      upstream.on(chatPath, (request) =>
        asRecord(request.json)?.stream === true ? { chunks: options.stream ?? [], chunkDelayMs: options.chunkDelayMs ?? 0 } : { body: options.body ?? {} },
      );

    before(async () => {
      upstream = await startFakeUpstream();
      adapter = suite.createAdapter(upstream.url);
    });
    after(async () => {
      await adapter.close();
      await upstream.close();
    });

    caseTest('non-stream text', async () => {
      answer({ body: fixtures.text });
      const result = await adapter.generate(conformanceTextRequest, context());
      assert.equal(result.text, expected.text);
      assert.equal(result.finishReason.unified, 'stop');
      assert.deepEqual(result.usage, expected.usage);
      assert.deepEqual(result.toolCalls, []);
      const sent = upstream.requests.at(-1);
      assert.equal(sent?.method, 'POST');
      assert.equal(sent?.path, chatPath);
      assert.notEqual(asRecord(sent?.json)?.stream, true);
    });

    caseTest('stream text', async () => {
      answer({ body: fixtures.text, stream: [fixtures.textStream] });
      const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
      assert.equal(asRecord(upstream.requests.at(-1)?.json)?.stream, true);
      assert.equal(streamed.error, undefined);
      assert.equal(streamed.text, expected.text);
      assert.equal(streamed.finish?.finishReason.unified, 'stop');
      const whole = await adapter.generate(conformanceTextRequest, context());
      assert.equal(streamed.text, whole.text, 'concatenated deltas equal the non-streamed text');
    });

    caseTest('usage parity', async () => {
      answer({ body: fixtures.text, stream: [fixtures.textStream] });
      const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
      const whole = await adapter.generate(conformanceTextRequest, context());
      assert.deepEqual(streamed.finish?.usage, expected.usage);
      assert.deepEqual(streamed.finish?.usage, whole.usage);
    });

    caseTest('tool calls', async () => {
      answer({ body: fixtures.tool });
      const result = await adapter.generate(conformanceToolRequest, context());
      assert.equal(result.finishReason.unified, 'tool-calls');
      assert.equal(result.text, expected.toolCallText);
      assert.deepEqual(
        result.toolCalls.map((c) => ({ id: c.id, name: c.function.name, arguments: JSON.parse(c.function.arguments) })),
        expected.toolCalls,
      );
      assert.ok(result.toolCalls.every((c) => c.type === 'function'));
    });

    caseTest('streamed tool calls', async () => {
      answer({ body: fixtures.tool, stream: [fixtures.toolStream] });
      const streamed = await collect(adapter.stream(conformanceToolRequest, context()));
      assert.equal(streamed.error, undefined);
      assert.equal(streamed.finish?.finishReason.unified, 'tool-calls');
      assert.equal(streamed.text, expected.toolCallText);
      assert.deepEqual(parsedToolCalls(streamed), expected.toolCalls);
      const whole = await adapter.generate(conformanceToolRequest, context());
      assert.deepEqual(streamed.finish?.usage, whole.usage);
    });

    caseTest('split chunks', async () => {
      for (const size of [1, 7, 64]) {
        answer({ stream: splitIntoByteChunks(fixtures.textStream, size) });
        const text = await collect(adapter.stream(conformanceTextRequest, context()));
        assert.equal(text.text, expected.text, `text split every ${size} bytes`);
        assert.deepEqual(text.finish?.usage, expected.usage, `usage split every ${size} bytes`);
        answer({ stream: splitIntoByteChunks(fixtures.toolStream, size) });
        const tools = await collect(adapter.stream(conformanceToolRequest, context()));
        assert.deepEqual(parsedToolCalls(tools), expected.toolCalls, `tool calls split every ${size} bytes`);
      }
    });

    caseTest('keep-alive pings', async () => {
      answer({ stream: [fixtures.keepAlive] });
      const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
      assert.equal(streamed.error, undefined);
      assert.equal(streamed.text, expected.text);
      assert.deepEqual(streamed.finish?.usage, expected.usage);
    });

    caseTest('mid-stream error', async () => {
      answer({ stream: [fixtures.midStreamError] });
      const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
      assert.equal(streamed.text, expected.textBeforeError);
      assert.equal(streamed.finish, undefined, 'a failed stream does not finish cleanly');
      assert.ok(streamed.error instanceof ProviderError, 'the failure arrives as an error part');
    });

    caseTest('missing usage', async () => {
      answer({ stream: [fixtures.noUsage] });
      const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
      assert.equal(streamed.text, expected.text);
      assert.ok(streamed.finish, 'finishes without usage');
      assert.equal(streamed.finish.usage, undefined);
    });

    caseTest('no terminator', async () => {
      answer({ stream: [fixtures.noTerminator] });
      const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
      assert.equal(streamed.error, undefined);
      assert.equal(streamed.text, expected.text);
      assert.equal(streamed.finish?.finishReason.unified, 'stop');
    });

    caseTest('rate limited', async () => {
      upstream.on(chatPath, { status: 429, headers: { 'retry-after': '7' }, body: fixtures.error429 });
      const error = await rejection(adapter.generate(conformanceTextRequest, context()));
      assert.equal(error.statusCode, 429);
      assert.equal(error.isRetryable, true);
      assert.equal(error.retryAfterMs, 7000);
      assert.equal(error.kind, 'http');

      upstream.on(chatPath, { status: 429, headers: { 'retry-after-ms': '120' }, body: fixtures.error429 });
      const streamError = await rejection(collect(adapter.stream(conformanceTextRequest, context())));
      assert.equal(streamError.statusCode, 429, 'a stream that never started throws instead of yielding');
      assert.equal(streamError.retryAfterMs, 120);
    });

    caseTest('bad request', async () => {
      upstream.on(chatPath, { status: 400, body: fixtures.error400 });
      const upstreamMessage = String(asRecord(asRecord(fixtures.error400)?.error)?.message);
      for (const call of [() => adapter.generate(conformanceTextRequest, context()), () => collect(adapter.stream(conformanceTextRequest, context()))]) {
        const error = await rejection(call());
        assert.equal(error.statusCode, 400);
        assert.equal(error.isRetryable, false);
        assert.ok(error.body?.includes(upstreamMessage), 'keeps the upstream body');
        assert.ok(error.message.includes(upstreamMessage), `message says why: ${error.message}`);
      }
    });

    caseTest('server error', async () => {
      upstream.on(chatPath, { status: 503, body: 'upstream connect error or disconnect/reset before headers' });
      const error = await rejection(adapter.generate(conformanceTextRequest, context()));
      assert.equal(error.statusCode, 503);
      assert.equal(error.isRetryable, true);
    });

    caseTest('connection refused', async () => {
      const refusing = suite.createAdapter(`http://127.0.0.1:${await closedPort()}`);
      try {
        const error = await rejection(refusing.generate(conformanceTextRequest, context()));
        assert.equal(error.kind, 'connection');
        assert.equal(error.isRetryable, true);
        assert.equal(error.statusCode, undefined);
        const streamError = await rejection(collect(refusing.stream(conformanceTextRequest, context())));
        assert.equal(streamError.kind, 'connection');
      } finally {
        await refusing.close();
      }
    });

    caseTest('timeout', async () => {
      const impatient = suite.createAdapter(upstream.url, { timeoutMs: 150 });
      try {
        upstream.on(chatPath, { delayMs: 3_000, body: fixtures.text });
        const aborts = upstream.clientAborts;
        let started = Date.now();
        const error = await rejection(impatient.generate(conformanceTextRequest, context()));
        assert.equal(error.kind, 'timeout');
        assert.equal(error.isRetryable, true);
        assert.ok(Date.now() - started < 1_500, 'gives up at the timeout, not when the upstream answers');
        await upstream.waitForClientAborts(aborts + 1);

        started = Date.now();
        const streamError = await rejection(collect(impatient.stream(conformanceTextRequest, context())));
        assert.equal(streamError.kind, 'timeout');
        assert.ok(Date.now() - started < 1_500);

        // The timeout covers the wait for the first byte, not a long stream after it.
        answer({ stream: splitIntoByteChunks(fixtures.textStream, 1_000), chunkDelayMs: 60 });
        const slow = await collect(impatient.stream(conformanceTextRequest, context()));
        assert.equal(slow.error, undefined);
        assert.equal(slow.text, expected.text);
      } finally {
        await impatient.close();
      }
    });

    caseTest('abort', async () => {
      // Before the answer: the call rejects at once and the upstream sees its connection close.
      upstream.on(chatPath, { delayMs: 3_000, body: fixtures.text });
      let aborts = upstream.clientAborts;
      const controller = new AbortController();
      const pending = adapter.generate(conformanceTextRequest, context(controller.signal));
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      const error = await rejection(pending);
      assert.equal(error.kind, 'aborted');
      assert.equal(error.isRetryable, false);
      assert.ok(Date.now() - started < 1_000);
      await upstream.waitForClientAborts(aborts + 1);

      // Mid-stream: the stream stops promptly and the upstream sees the close.
      answer({ stream: splitIntoByteChunks(fixtures.textStream, 200), chunkDelayMs: 100 });
      aborts = upstream.clientAborts;
      const midStream = new AbortController();
      const parts: StreamPart[] = [];
      const streamStarted = Date.now();
      let thrown: unknown;
      try {
        for await (const part of adapter.stream(conformanceTextRequest, context(midStream.signal))) {
          parts.push(part);
          if (part.type === 'text-delta') midStream.abort();
        }
      } catch (caught) {
        thrown = caught;
      }
      const failure = thrown ?? parts.find((p) => p.type === 'error')?.error;
      assert.ok(failure instanceof ProviderError, 'an aborted stream reports the abort');
      assert.equal(failure.kind, 'aborted');
      assert.equal(
        parts.find((p) => p.type === 'finish'),
        undefined,
      );
      assert.ok(Date.now() - streamStarted < 1_500, 'stops without waiting for the rest of the stream');
      await upstream.waitForClientAborts(aborts + 1);

      // A consumer that stops reading cancels the upstream call too.
      aborts = upstream.clientAborts;
      for await (const part of adapter.stream(conformanceTextRequest, context())) {
        if (part.type === 'text-delta') break;
      }
      await upstream.waitForClientAborts(aborts + 1);
    });

    caseTest('socket destroyed', async () => {
      const half = fixtures.textStream.slice(0, Math.floor(fixtures.textStream.length / 2));
      upstream.on(chatPath, { chunks: [half], destroy: 'after-chunks' });
      const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
      assert.equal(streamed.finish, undefined, 'a cut stream is not reported as complete');
      assert.equal(streamed.error?.kind, 'connection');
      assert.equal(streamed.error?.isRetryable, true);

      upstream.on(chatPath, { destroy: 'before-headers' });
      const error = await rejection(adapter.generate(conformanceTextRequest, context()));
      assert.equal(error.kind, 'connection');
    });
  });
}

export interface CollectedStream {
  parts: StreamPart[];
  text: string;
  toolCalls: Map<number, { id: string | undefined; name: string | undefined; arguments: string }>;
  finish: Extract<StreamPart, { type: 'finish' }> | undefined;
  error: ProviderError | undefined;
}

/**
 * Reads a stream to its end and checks its shape: `start` first, then exactly one `finish` or `error`, last.
 * A stream that throws rejects (the call failed before it started).
 */
export async function collect(stream: AsyncIterable<StreamPart>): Promise<CollectedStream> {
  const collected: CollectedStream = { parts: [], text: '', toolCalls: new Map(), finish: undefined, error: undefined };
  for await (const part of stream) {
    collected.parts.push(part);
    if (part.type === 'text-delta') collected.text += part.text;
    else if (part.type === 'tool-call-delta') {
      const call = collected.toolCalls.get(part.index) ?? { id: undefined, name: undefined, arguments: '' };
      call.id ??= part.id;
      call.name ??= part.name;
      call.arguments += part.argumentsDelta;
      collected.toolCalls.set(part.index, call);
    } else if (part.type === 'finish') collected.finish = part;
    else if (part.type === 'error') collected.error = part.error;
  }
  const { parts } = collected;
  assert.equal(parts[0]?.type, 'start', 'a stream starts with a start part');
  assert.equal(parts.filter((p) => p.type === 'start').length, 1, 'exactly one start part');
  const terminals = parts.filter((p) => p.type === 'finish' || p.type === 'error');
  assert.equal(terminals.length, 1, 'exactly one finish or error part');
  assert.equal(parts.at(-1), terminals[0], 'the finish or error part comes last');
  return collected;
}

function parsedToolCalls(collected: CollectedStream): Array<{ id: string | undefined; name: string | undefined; arguments: unknown }> {
  return [...collected.toolCalls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, call]) => ({ id: call.id, name: call.name, arguments: JSON.parse(call.arguments) as unknown }));
}

export function context(signal: AbortSignal = new AbortController().signal, warnings: string[] = []): CallContext {
  return { signal, requestId: 'conformance', warn: (message) => warnings.push(message), requestStreamUsage: true };
}

/** Awaits a promise that must reject with a ProviderError, and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
