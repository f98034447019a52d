/**
 * How every bench server listens: an ephemeral loopback port, printed on stdout for spawnServer, with
 * keep-alive that outlasts a run.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export function listenOnLoopback(server: Server): void {
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
}
