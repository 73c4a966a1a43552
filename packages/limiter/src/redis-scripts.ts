/**
 * @module redis-scripts
 * The two Lua scripts of the Redis counter store. Each operation is one script, so it is atomic
 * on the Redis side and touches one key (any Redis Cluster slot, no hash tags needed). Both answer
 * `{ consumed, pttl }` with Redis's PTTL conventions: -2 no key, -1 no expiry.
 */

/**
 * KEYS[1] counter, ARGV[1] cost (integer > 0), ARGV[2] window in ms. INCRBY; when that created
 * the key (the result equals the cost) the window starts now: PEXPIRE. A key found without an
 * expiry (left by a crash between two commands of an older writer, or set by hand) gets one too,
 * so no counter can outlive its window forever. Later charges never touch the expiry.
 */
export const CHARGE_SCRIPT = `
local cost = tonumber(ARGV[1])
local consumed = redis.call('INCRBY', KEYS[1], cost)
local ttl = -1
if consumed ~= cost then
  ttl = redis.call('PTTL', KEYS[1])
end
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return { consumed, ttl }
`;

/** KEYS[1] counter. GET and PTTL read together; `{ 0, -2 }` when there is no window. */
export const PEEK_SCRIPT = `
local consumed = redis.call('GET', KEYS[1])
if not consumed then
  return { 0, -2 }
end
return { tonumber(consumed), redis.call('PTTL', KEYS[1]) }
`;

/**
 * KEYS[1] bucket (a hash: excess, last), ARGV[1] rate (requests/s), ARGV[2] burst. Redis's own
 * clock, so every node agrees on elapsed time. Answers `{ rejected (0|1), excess }`, excess as a
 * string (Lua numbers would be truncated to integers in the reply). The key expires once the
 * bucket has drained, when it reads as new anyway.
 */
export const LEAKY_BUCKET_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'excess', 'last')
local excess = 0
if state[1] and state[2] then
  excess = math.max(tonumber(state[1]) - rate * math.abs(now - tonumber(state[2])) / 1000 + 1, 0)
  if excess > burst then
    return { 1, '0' }
  end
end
redis.call('HSET', KEYS[1], 'excess', tostring(excess), 'last', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((excess + 1) / rate * 1000) + 1000)
return { 0, tostring(excess) }
`;

/**
 * KEYS[1] gauge, ARGV[1] delta (non-zero integer), ARGV[2] ttl in seconds. INCRBY; at or below
 * 0 the key is deleted and 0 answered (a decrement after expiry never leaves a negative gauge);
 * otherwise the expiry is refreshed, so a gauge left by a node that died ends after the ttl.
 */
export const GAUGE_SCRIPT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if value <= 0 then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return value
`;

/**
 * KEYS[1] sliding window (a hash: window id → count), ARGV[1] limit, ARGV[2] window in seconds,
 * ARGV[3] cost. Redis's clock aligns the windows, so every node agrees. The calculation is
 * charge-args.ts's `slidingDecision`, made atomic: refused requests are not counted. Answers
 * `{ rejected (0|1), remaining, reset }`, reset as a string (seconds, 2 decimals).
 */
export const SLIDING_WINDOW_SCRIPT = `
local limit = tonumber(ARGV[1])
local size = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local id = math.floor(now / size)
local current = tonumber(redis.call('HGET', KEYS[1], tostring(id)) or '0')
local previous = tonumber(redis.call('HGET', KEYS[1], tostring(id - 1)) or '0')
local remaining_time = size - (now - math.floor(now / size) * size)
local function ceil2(x) return tostring(math.ceil(x * 100) / 100) end
if current >= limit then
  return { 1, 0, ceil2(remaining_time) }
end
local last_rate = math.min(previous, limit) / size
local estimated = last_rate * remaining_time
if estimated + current >= limit then
  local delay = remaining_time
  if last_rate > 0 then
    delay = math.max(remaining_time - (limit - current) / last_rate, 0)
  end
  return { 1, 0, ceil2(delay) }
end
redis.call('HINCRBY', KEYS[1], tostring(id), cost)
redis.call('HDEL', KEYS[1], tostring(id - 2))
redis.call('PEXPIRE', KEYS[1], math.ceil(size * 2000))
return { 0, math.floor(limit - (current + cost) - estimated), ceil2(remaining_time) }
`;

/**
 * Token quotas that admit and settle (QuotaStore) keep one hash per window: `c` consumed, `r`
 * reserved by requests in flight, `w` the window's id (Redis's clock when it opened), expiring
 * with the window. KEYS[1] quota, ARGV[1] limit, ARGV[2] reservation (integer ≥ 0, or -1 to check
 * only), ARGV[3] window in ms. Admitted while c + r < limit; a reservation opens the window when
 * none is open. Answers `{ admitted (0|1), c, r, pttl, w }` as before this request.
 */
export const ADMIT_SCRIPT = `
local limit = tonumber(ARGV[1])
local reserve = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'c', 'r', 'w')
local c = tonumber(state[1] or '0')
local r = tonumber(state[2] or '0')
local w = state[3]
local ttl = -2
if w then
  ttl = redis.call('PTTL', KEYS[1])
end
if c + r >= limit then
  return { 0, c, r, ttl, w or '' }
end
if reserve > 0 then
  if not w then
    local t = redis.call('TIME')
    redis.call('HSET', KEYS[1], 'w', t[1] .. '.' .. t[2])
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    w = t[1] .. '.' .. t[2]
  elseif ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
  end
  redis.call('HINCRBY', KEYS[1], 'r', reserve)
end
return { 1, c, r, ttl, w or '' }
`;

/**
 * KEYS[1] quota hash (see ADMIT_SCRIPT), ARGV[1] the admission's window id, ARGV[2] tokens it
 * reserved, ARGV[3] tokens used, ARGV[4] window in ms. The reservation is released only in its
 * own window (a later window never held it); the usage is charged to the window open now,
 * opening one when none is. Answers 1.
 */
export const SETTLE_SCRIPT = `
local w = redis.call('HGET', KEYS[1], 'w')
local reserved = tonumber(ARGV[2])
if w and w == ARGV[1] and reserved > 0 then
  if redis.call('HINCRBY', KEYS[1], 'r', -reserved) < 0 then
    redis.call('HSET', KEYS[1], 'r', 0)
  end
end
local actual = tonumber(ARGV[3])
if actual > 0 then
  if not w then
    local t = redis.call('TIME')
    redis.call('HSET', KEYS[1], 'w', t[1] .. '.' .. t[2])
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
  elseif redis.call('PTTL', KEYS[1]) < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
  end
  redis.call('HINCRBY', KEYS[1], 'c', actual)
end
return 1
`;
