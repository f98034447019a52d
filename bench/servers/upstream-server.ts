/** A fast fake OpenAI-compatible upstream for the overhead benchmark: a fixed small completion. Prints its port. */
import { createServer } from 'node:http';
import { listenOnLoopback } from './listen-on-loopback.js';

const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The answer is 42.' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 25, completion_tokens: 6, total_tokens: 31 },
});

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
listenOnLoopback(server);
