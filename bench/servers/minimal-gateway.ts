/**
 * A second baseline: the least any gateway meeting issue 2's logging contract must do, and nothing else.
 * It parses the request, picks a model by message count, re-encodes the body for the upstream, parses and
 * re-encodes the answer, sets the four x-tandem-* headers, and before answering commits one row with both
 * bodies to SQLite (WAL, synchronous=NORMAL, a table with Tandem's four indexes, one transaction per
 * event-loop turn). No validation, policies, scoring, accounting, metrics, audit or PII detection.
 * What Tandem costs beyond this is its features; what this costs beyond the bare proxy is the contract.
 * Prints its port. Usage: minimal-gateway.ts <upstream origin> <database file>
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { listenOnLoopback } from './listen-on-loopback.js';

const [upstream, dbPath] = process.argv.slice(2);
if (!upstream || !dbPath) throw new Error('usage: minimal-gateway.ts <upstream origin> <database file>');
const pool = new Pool(upstream, { connections: 64 });

const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`create table requests (seq integer primary key, id text not null unique, time integer not null, route text,
  model text, total_tokens integer, request_body text, response_body text);
  create index requests_time on requests (time);
  create index requests_route_time on requests (route, time);
  create index requests_model_time on requests (model, time);`);
const insert = db.prepare('insert into requests (id, time, route, model, total_tokens, request_body, response_body) values (?, ?, ?, ?, ?, ?, ?)');

type Row = [string, number, string, string, number, string, string];
let queue: Array<{ row: Row; committed: () => void }> = [];
const insertAll = db.transaction((batch: typeof queue) => {
  for (const { row } of batch) insert.run(...row);
});
function commit(): void {
  const batch = queue;
  queue = [];
  insertAll(batch);
  for (const { committed } of batch) committed();
}
function log(row: Row): Promise<void> {
  return new Promise((committed) => {
    if (queue.length === 0) setImmediate(commit);
    queue.push({ row, committed });
  });
}

interface ChatBody {
  model: string;
  messages: unknown[];
}
interface Completion {
  usage?: { total_tokens?: number };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const started = performance.now();
    const requestText = Buffer.concat(chunks).toString();
    const request = JSON.parse(requestText) as ChatBody;
    const model = request.messages.length > 8 ? 'large' : 'small';
    pool
      .request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...request, model }) })
      .then(async (up) => {
        const answer = (await up.body.json()) as Completion;
        const id = randomUUID();
        const body = JSON.stringify({ ...answer, id: `chatcmpl-${id}`, model });
        await log([id, Date.now(), request.model, model, answer.usage?.total_tokens ?? 0, requestText, body]);
        res.writeHead(up.statusCode, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-tandem-request-id': id,
          'x-tandem-model': model,
          'x-tandem-route-reason': 'messages <= 8 -> small',
          'x-tandem-overhead-ms': (performance.now() - started).toFixed(3),
        });
        res.end(body);
      })
      .catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
  });
});
// Exit normally on the bench's SIGTERM, so `--cpu-prof` (BENCH_MINIMAL_NODE_ARGS) writes its profile.
process.once('SIGTERM', () => process.exit(0));
listenOnLoopback(server);
