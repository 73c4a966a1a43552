/**
 * @module checks/limit-count
 * limit-count's checks beyond its schema (APISIX's `check_schema`): rules and count/time_window
 * or group are exclusive, rule keys are unique, `sync_interval` bounds for Redis policies, and
 * the group rule: every configuration of one `group` must equal the first one this process saw
 * (`group conf mismatched`).
 */

const NO_DELAYED_SYNC = -1;

/** The fields compared between configurations of one group (schema properties + Redis fields). */
const GROUP_FIELDS = [
  'count',
  'time_window',
  'window_type',
  'rules',
  'group',
  'key',
  'key_type',
  'rejected_code',
  'rejected_msg',
  'policy',
  'allow_degradation',
  'show_limit_quota_header',
  'sync_interval',
  'redis_host',
  'redis_port',
  'redis_username',
  'redis_password',
  'redis_database',
  'redis_timeout',
  'redis_ssl',
  'redis_ssl_verify',
  'redis_keepalive_timeout',
  'redis_keepalive_pool',
  'redis_cluster_nodes',
  'redis_cluster_name',
  'redis_cluster_ssl',
  'redis_cluster_ssl_verify',
] as const;

/** How long the first configuration of a group is remembered (APISIX's plugin lrucache TTL). */
const GROUP_TTL_MS = 300_000;

interface GroupEntry {
  readonly fields: string;
  readonly expiresAt: number;
}

const groups = new Map<string, GroupEntry>();

function groupFields(conf: Record<string, unknown>): string {
  const picked: unknown[] = GROUP_FIELDS.map((f) => (Object.hasOwn(conf, f) ? conf[f] : null));
  return JSON.stringify(picked);
}

function groupError(conf: Record<string, unknown>, group: string, now: number): string | undefined {
  const fields = groupFields(conf);
  const seen = groups.get(group);
  if (!seen || seen.expiresAt <= now) {
    if (groups.size >= 10_000) groups.clear();
    groups.set(group, { fields, expiresAt: now + GROUP_TTL_MS });
    return undefined;
  }
  return seen.fields === fields ? undefined : 'group conf mismatched';
}

/** First cross-field failure of a schema-valid limit-count config, or undefined. */
export function checkLimitCount(
  conf: Record<string, unknown>,
  now: number = Date.now(),
): string | undefined {
  const rules = Array.isArray(conf.rules) ? (conf.rules as Record<string, unknown>[]) : undefined;
  if (rules && (conf.count !== undefined || conf.time_window !== undefined)) {
    return 'count/time_window and rules cannot be specified at the same time';
  }
  const group = typeof conf.group === 'string' ? conf.group : undefined;
  if (group !== undefined && rules) return 'group and rules cannot be specified at the same time';
  if (group !== undefined) {
    const err = groupError(conf, group, now);
    if (err) return err;
  }
  const redis =
    conf.policy === 'redis' || conf.policy === 'redis-cluster' || conf.policy === 'redis-sentinel';
  const sync = typeof conf.sync_interval === 'number' ? conf.sync_interval : NO_DELAYED_SYNC;
  if (redis && sync !== NO_DELAYED_SYNC) {
    if (sync < 0.1) return 'sync_interval should not be smaller than 0.1';
    if (typeof conf.time_window === 'number' && sync >= conf.time_window) {
      return 'sync_interval should be smaller than time_window';
    }
  }
  const keys = new Set<string>();
  for (const rule of rules ?? []) {
    const key = String(rule.key);
    if (keys.has(key)) return `duplicate key '${key}' in rules`;
    keys.add(key);
  }
  return undefined;
}
