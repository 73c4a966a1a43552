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
