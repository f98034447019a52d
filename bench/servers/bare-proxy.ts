/**
 * The baseline: a proxy with no logic at all, forwarding bodies through an undici Pool; a request that
 * accepts `text/event-stream` gets the upstream's stream passed through chunk by chunk. Prints its port.
 */
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { listenOnLoopback } from './listen-on-loopback.js';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: bare-proxy.ts <upstream origin>');
const pool = new Pool(upstream, { connections: 64 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.headers.accept === 'text/event-stream') return void passStream(Buffer.concat(chunks), res);
    pool
      .request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
      .then(async (up) => {
        const body = Buffer.from(await up.body.arrayBuffer());
        res.writeHead(up.statusCode, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      })
      .catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
  });
});

async function passStream(body: Buffer, res: ServerResponse): Promise<void> {
  try {
    const up = await pool.request({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body,
    });
    res.writeHead(up.statusCode, { 'content-type': 'text/event-stream' });
    // Back-pressure as Tandem honours it: a slow client pauses the upstream instead of filling memory.
    for await (const chunk of up.body) if (!res.write(chunk)) await once(res, 'drain');
    res.end();
  } catch (error) {
    if (!res.headersSent) res.writeHead(502);
    res.end(String(error));
  }
}
listenOnLoopback(server);
