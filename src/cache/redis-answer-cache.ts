/**
 * The answer cache in the cluster's Redis (`cache.backend: redis`): shared by every replica. Each entry is
 * a string with a PX expiry; each route keeps a sorted set of its entries by age and a hash of their sizes,
 * and one Lua script stores an entry and evicts the route's oldest beyond `max_entries` / `max_bytes`, so
 * the bound holds however many replicas write at once. Keys share the route's hash tag (`{route}`), so a
 * route's keys live in one slot. Set Redis's own `maxmemory` with `allkeys-lru` as the last line of defence
 * (docs/caching.md); these bounds keep a route well inside it.
 */
import type { Redis } from 'ioredis';
import type { AnswerCacheStore, CacheBounds, CacheEntry } from './answer-cache-store.js';

/** KEYS: entry, ages (zset), sizes (hash). ARGV: value, px, member, now, max entries, max bytes, entry key prefix. */
const PUT = `
local old = tonumber(redis.call('HGET', KEYS[3], ARGV[3]) or '0')
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], string.len(ARGV[1]))
local total = redis.call('HINCRBY', KEYS[3], '\\0total', string.len(ARGV[1]) - old)
local evicted = {}
while redis.call('ZCARD', KEYS[2]) > tonumber(ARGV[5]) or total > tonumber(ARGV[6]) do
  local popped = redis.call('ZPOPMIN', KEYS[2])
  if #popped == 0 then break end
  local member = popped[1]
  total = redis.call('HINCRBY', KEYS[3], '\\0total', -tonumber(redis.call('HGET', KEYS[3], member) or '0'))
  redis.call('HDEL', KEYS[3], member)
  redis.call('DEL', ARGV[7] .. member)
  evicted[#evicted + 1] = member
end
return evicted`;

export class RedisAnswerCache implements AnswerCacheStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  #entryPrefix(group: string): string {
    return `${this.prefix}cache:{${group}}:`;
  }

  async get(scope: string, key: string): Promise<string | undefined> {
    // The group is the scope up to its first separator (cache-stage.ts: `<route>\u0001<key id>`).
    const group = groupOf(scope);
    const value = await this.client.get(`${this.#entryPrefix(group)}${scope}\u0000${key}`);
    return value ?? undefined;
  }

  async put(entry: CacheEntry, group: string, bounds: CacheBounds, now: number): Promise<Array<{ scope: string; key: string }>> {
    const prefix = this.#entryPrefix(group);
    const member = `${entry.scope}\u0000${entry.key}`;
    const px = Math.max(1, Math.min(entry.expiresAt - now, 2 ** 46));
    const evicted = (await this.client.eval(
      PUT,
      3,
      `${prefix}${member}`,
      `${this.prefix}cache-ages:{${group}}`,
      `${this.prefix}cache-sizes:{${group}}`,
      entry.value,
      String(px),
      member,
      String(now),
      String(bounds.maxEntries),
      String(bounds.maxBytes),
      prefix,
    )) as string[];
    return evicted.map((m) => {
      const at = m.indexOf('\u0000');
      return { scope: m.slice(0, at), key: m.slice(at + 1) };
    });
  }

  async count(group: string): Promise<number> {
    return this.client.zcard(`${this.prefix}cache-ages:{${group}}`);
  }
}

function groupOf(scope: string): string {
  const at = scope.indexOf('\u0001');
  return at < 0 ? scope : scope.slice(0, at + 1);
}
