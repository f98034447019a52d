/**
 * The request-body bytes all requests being read may hold at once (`server.max_inflight_body_bytes`).
 * Without it, clients that each stall a maximum-size body one byte short of its end hold
 * connections × max_body_bytes of memory until they are cut (docs/security.md#resource-limits).
 *
 * Bytes are counted as they arrive, not from a declared content-length: a client that declares 8 MB and
 * sends nothing holds nothing, so the budget cannot be filled by promises alone. The first
 * FREE_BYTES_PER_REQUEST of each body are not counted, so an ordinary chat request is never refused
 * while large uploads fill the budget; the connection cap bounds what those free bytes add up to.
 */
export const FREE_BYTES_PER_REQUEST = 64 * 1024;

export class BodyBudget {
  private held = 0;

  constructor(readonly limit: number) {}

  /** Counted bytes held now (the free bytes of each request excluded). */
  get used(): number {
    return this.held;
  }

  /** Takes `bytes` more if they fit; false (and nothing taken) if they do not. */
  tryTake(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  /** Whether `bytes` would fit now (a hint for a declared length; nothing is taken). */
  fits(bytes: number): boolean {
    return this.held + bytes <= this.limit;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}
