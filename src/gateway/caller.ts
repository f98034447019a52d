/** Who is asking, as the HTTP edge found out before the pipeline runs. */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyPrincipal } from '../governance/key-ring.js';

export interface Caller {
  /** The request id (x-tandem-request-id). */
  id: string;
  /** Date.now() at arrival. */
  time: number;
  /** performance.now() at arrival, for durations. */
  started: number;
  /** Read for x-tandem-sensitive and x-tandem-max-latency-ms (the same on every API). */
  headers: IncomingHttpHeaders;
  /** The API key's id when auth is on. */
  keyId: string | null;
  /** The authenticated API key (permissions, limits); null or absent when auth is off. */
  key?: ApiKeyPrincipal | null;
  /** The raw request body as received, logged when bodies are logged. */
  bodyText: string;
}
