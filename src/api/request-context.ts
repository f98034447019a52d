/** Per-request facts the edge gathers before any handler runs. */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyPrincipal } from '../governance/key-ring.js';

export interface RequestContext {
  id: string;
  /** Date.now() at arrival. */
  time: number;
  /** performance.now() at arrival, for durations. */
  started: number;
  headers: IncomingHttpHeaders;
  /** The API key's id when auth is on. */
  keyId: string | null;
  /** The authenticated API key (permissions, limits); null or absent when auth is off. */
  key?: ApiKeyPrincipal | null;
  /** The raw request body (already size-checked and UTF-8 validated). */
  bodyText: string;
}
