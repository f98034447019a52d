/**
 * A fast fake OpenAI-compatible upstream for the overhead benchmarks: a fixed small completion, or, to a
 * request that accepts `text/event-stream` (how Tandem and the bare proxy ask for a stream), the same
 * answer as an SSE stream of one event per word, each its own write, then usage and `[DONE]`. Prints its port.
 * With BENCH_UPSTREAM_STREAM_ON_BODY=1 a body with `"stream":true` streams too: how gateways that forward
 * `accept: *\/*` (Portkey, for `npm run bench:peers`) ask for a stream.
 */
import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen-on-loopback.js';

const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The answer is 42.' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 25, completion_tokens: 6, total_tokens: 31 },
});

const WORDS = [
  'The',
  ' answer',
  ' to',
  ' life,',
  ' the',
  ' universe',
  ' and',
  ' everything',
  ' is',
  ' 42,',
  ' as',
  ' Deep',
  ' Thought',
  ' computed',
  ' long',
  ' ago.',
];
const chunk = (delta: object, finish: string | null, usage?: object): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices: usage ? [] : [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...(usage ? { usage } : {}) })}\n\n`;
/** The stream's events; written one per event-loop turn so they reach the reader as separate packets, as tokens do. */
const STREAM_EVENTS = [
  chunk({ role: 'assistant', content: '' }, null),
  ...WORDS.map((word) => chunk({ content: word }, null)),
  chunk({}, 'stop'),
  chunk({}, null, { prompt_tokens: 25, completion_tokens: WORDS.length, total_tokens: 25 + WORDS.length }),
  'data: [DONE]\n\n',
];

function writeStream(res: ServerResponse, next = 0): void {
  if (next === STREAM_EVENTS.length || res.destroyed) return void res.end();
  res.write(STREAM_EVENTS[next]);
  setImmediate(writeStream, res, next + 1);
}

const STREAM_ON_BODY = process.env.BENCH_UPSTREAM_STREAM_ON_BODY === '1';

const server = createServer((req, res) => {
  let streamInBody = false;
  if (STREAM_ON_BODY) req.on('data', (chunk: Buffer) => void (streamInBody ||= chunk.includes('"stream":true')));
  else req.resume();
  req.on('end', () => {
    if (req.headers.accept === 'text/event-stream' || streamInBody) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      return writeStream(res);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
listenOnLoopback(server);
