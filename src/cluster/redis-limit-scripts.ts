/**
 * The Lua scripts behind RedisLimitStore. Each runs atomically in Redis, so no other replica's call
 * interleaves with a check and its count.
 *
 * Three kinds of counter, one Redis key each (per subject, limit and window start):
 * - `rate`: a string counter per minute (INCRBYFLOAT); a sliding check also reads the previous minute;
 * - `budget`: a hash {v: spend counted (settled + reserved), r: reserved by requests in flight,
 *   g: generation}. A missing budget counter whose bucket is rebuildable is never created here: reserve
 *   answers "seed these first" and SEED_SCRIPT creates it from the request log (SET-if-absent, so
 *   replicas racing to rebuild agree). A new generation per creation lets settle() tell a reservation
 *   counted in this counter from one lost with the Redis that held it;
 * - `concurrency`: a sorted set of reservation ids scored by lease expiry.
 */

/**
 * ARGV: n, now, reservation id, lease end (ms), new generation; then per check (6 each): kind, max,
 * amount, weight of the previous window (0: not read), TTL (ms) for the key, rebuildable ('1'/'0').
 * KEYS: per check the counter and the previous window's counter (read only for a sliding `rate`).
 *
 * Replies:
 * - {2, i, j, ...}: the budget counters of checks i, j, ... must be seeded first; nothing was counted;
 * - {0, i, cur, prev, reserved}: check i fails; nothing was counted;
 * - {1, cur1, prev1, gen1, cur2, ...}: every check passed and is counted (gen: budget checks only, else '').
 */
export const RESERVE_SCRIPT = `
local n = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local id = ARGV[3]
local leaseEnd = tonumber(ARGV[4])
local newGen = ARGV[5]
local cur, prev, reserved, gen, absent = {}, {}, {}, {}, {}
local missing = {2}
for i = 1, n do
  local a = 5 + (i - 1) * 6
  local kind = ARGV[a + 1]
  local key = KEYS[2 * i - 1]
  cur[i], prev[i], reserved[i], gen[i], absent[i] = '0', '0', '0', '', false
  if kind == 'rate' then
    cur[i] = redis.call('GET', key) or '0'
    if tonumber(ARGV[a + 4]) > 0 then prev[i] = redis.call('GET', KEYS[2 * i]) or '0' end
  elseif kind == 'budget' then
    local h = redis.call('HMGET', key, 'v', 'r', 'g')
    if h[1] then
      cur[i], reserved[i], gen[i] = h[1], h[2] or '0', h[3] or ''
    elseif ARGV[a + 6] == '1' then
      missing[#missing + 1] = i
    else
      absent[i] = true
    end
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    cur[i] = tostring(redis.call('ZCARD', key))
    reserved[i] = cur[i]
  end
end
if #missing > 1 then return missing end
for i = 1, n do
  local a = 5 + (i - 1) * 6
  local used = tonumber(prev[i]) * tonumber(ARGV[a + 4]) + tonumber(cur[i])
  if used + tonumber(ARGV[a + 3]) > tonumber(ARGV[a + 2]) then return {0, i, cur[i], prev[i], reserved[i]} end
end
local raw = {1}
for i = 1, n do
  local a = 5 + (i - 1) * 6
  local kind = ARGV[a + 1]
  local amount = ARGV[a + 3]
  local key = KEYS[2 * i - 1]
  if kind == 'rate' then
    if tonumber(amount) > 0 then
      redis.call('INCRBYFLOAT', key, amount)
      redis.call('PEXPIRE', key, ARGV[a + 5])
    end
  elseif kind == 'budget' then
    if absent[i] then
      gen[i] = newGen
      redis.call('HSET', key, 'v', '0', 'r', '0', 'g', newGen)
    end
    redis.call('HINCRBYFLOAT', key, 'v', amount)
    redis.call('HINCRBYFLOAT', key, 'r', amount)
    redis.call('PEXPIRE', key, ARGV[a + 5])
  else
    redis.call('ZADD', key, leaseEnd, id)
    redis.call('PEXPIRE', key, ARGV[a + 5])
  end
  raw[#raw + 1] = cur[i]
  raw[#raw + 1] = prev[i]
  raw[#raw + 1] = gen[i]
end
return raw
`;

/**
 * KEYS: budget counters; ARGV: generation, then per key the spend the request log holds and the TTL (ms).
 * Creates each counter only if still absent: the first replica's rebuild wins, later ones change nothing.
 */
export const SEED_SCRIPT = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then
    redis.call('HSET', KEYS[i], 'v', ARGV[2 * i], 'r', '0', 'g', ARGV[1])
    redis.call('PEXPIRE', KEYS[i], ARGV[2 * i + 1])
  end
end
return #KEYS
`;

/**
 * settle()/release(). ARGV: reservation id, then per key (6 each): kind, delta (actual - reserved),
 * actual, reserved, generation the reservation counted in, TTL for a key this creates (0: create none).
 * A counter never goes below 0; an existing key keeps its TTL.
 * - rate: add delta; a negative delta never creates a key;
 * - budget, same generation: add delta and take the reservation out of r; another generation (rebuilt
 *   since, or never reserved because Redis was away): add the actual amount, which the rebuilt counter
 *   lacks; missing: create it with the actual amount only where it is not rebuildable (TTL > 0);
 * - concurrency: free the reservation's slot.
 */
export const ADJUST_SCRIPT = `
local id = ARGV[1]
for i = 1, #KEYS do
  local a = 1 + (i - 1) * 6
  local kind = ARGV[a + 1]
  local delta = tonumber(ARGV[a + 2])
  local key = KEYS[i]
  if kind == 'rate' then
    local cur = redis.call('GET', key)
    if cur then
      redis.call('SET', key, string.format('%.17g', math.max(0, tonumber(cur) + delta)), 'KEEPTTL')
    elseif delta > 0 and tonumber(ARGV[a + 6]) > 0 then
      redis.call('SET', key, ARGV[a + 2], 'PX', ARGV[a + 6])
    end
  elseif kind == 'budget' then
    local actual = tonumber(ARGV[a + 3])
    local h = redis.call('HMGET', key, 'v', 'r', 'g')
    if h[1] then
      if h[3] == ARGV[a + 5] then
        local r = math.max(0, tonumber(h[2] or '0') - tonumber(ARGV[a + 4]))
        redis.call('HSET', key, 'v', string.format('%.17g', math.max(0, tonumber(h[1]) + delta)), 'r', string.format('%.17g', r))
      elseif actual > 0 then
        redis.call('HINCRBYFLOAT', key, 'v', ARGV[a + 3])
      end
    elseif actual > 0 and tonumber(ARGV[a + 6]) > 0 then
      redis.call('HSET', key, 'v', ARGV[a + 3], 'r', '0', 'g', '')
      redis.call('PEXPIRE', key, ARGV[a + 6])
    end
  else
    redis.call('ZREM', key, id)
  end
end
return #KEYS
`;
