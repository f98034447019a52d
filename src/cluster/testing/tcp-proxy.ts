/**
 * A loopback TCP proxy in front of a real server, for outage tests: `blackhole()` holds back bytes while
 * keeping connections open (a network partition: calls time out rather than fail fast; like TCP after the
 * partition heals, the held bytes are delivered on `restore()`), `cut()` destroys every connection and
 * refuses new ones (a crashed peer), `restore()` ends either.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  blackhole(): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'pass' | 'blackhole' | 'cut' = 'pass';
  const sockets = new Set<Socket>();
  let held: Array<{ to: Socket; chunk: Buffer }> = [];
  const server: Server = createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (mode === 'pass') to.write(chunk);
      else held.push({ to, chunk });
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    blackhole() {
      mode = 'blackhole';
    },
    cut() {
      mode = 'cut';
      held = [];
      for (const s of sockets) s.destroy();
    },
    restore() {
      mode = 'pass';
      for (const { to, chunk } of held) if (!to.destroyed) to.write(chunk);
      held = [];
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
