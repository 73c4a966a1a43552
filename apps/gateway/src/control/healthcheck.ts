/**
 * @module control/healthcheck
 * Active health targets in the shape of APISIX's `/v1/healthcheck`
 * (`[{name, type, nodes:[{ip, port, status, counter}]}]`), with Tollgate's extension fields: the
 * AI instance (`plugin`, `instance`, `target_key`) and the last probe (`last_probe_at`,
 * `last_error`). See docs/control-api.md.
 */
import type { ControlHealthTarget } from './source';

export type NodeHealth = 'healthy' | 'unhealthy' | 'mostly_healthy' | 'mostly_unhealthy';

export interface HealthcheckNode {
  /** The probed host (an IP, or a host name: instances are probed by name, not per IP). */
  ip: string;
  port: number;
  status: NodeHealth;
  /** Consecutive counts, as lua-resty-healthcheck keeps them. */
  counter: { success: number; http_failure: number; tcp_failure: number; timeout_failure: number };
  /** Tollgate: the AI instance's name. */
  instance: string;
  /** Tollgate: `<owner>#<plugin>#<instance>`, the key of metrics and logs. */
  target_key: string;
  /** Tollgate: epoch ms of the last finished probe. */
  last_probe_at?: number;
  /** Tollgate: why the last failed probe failed. */
  last_error?: string;
  /** Tollgate: score at the latest load-aware pick that compared it (0..1, averaged over workers). */
  score?: number;
  /** Tollgate: requests spilled to it past a higher priority group, since the node started. */
  spills?: number;
}

export interface HealthcheckEntry {
  /** `<prefix>/<owner>`: the config item holding the plugin, e.g. `/apisix/routes/1`. */
  name: string;
  type: 'http' | 'https' | 'tcp';
  /** Tollgate: the plugin whose instance is checked (`ai-proxy-multi`). */
  plugin?: string;
  /** Tollgate: the instance (one entry per instance in the list). */
  instance?: string;
  nodes: HealthcheckNode[];
}

/** `host:port` or `[v6]:port` → parts. */
function splitTarget(target: string): { ip: string; port: number } {
  const colon = target.lastIndexOf(':');
  if (colon === -1) return { ip: target, port: 0 };
  const host = target.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { ip: host, port: Number(target.slice(colon + 1)) || 0 };
}

/** Which counter a failure went to, judged by the last error text. */
function failureKind(lastError: string | undefined): 'http' | 'tcp' | 'timeout' {
  if (lastError === undefined) return 'tcp';
  if (/^HTTP \d+$|invalid HTTP response/i.test(lastError)) return 'http';
  if (/time(d)?[ -]?out/i.test(lastError)) return 'timeout';
  return 'tcp';
}

function counters(target: ControlHealthTarget): HealthcheckNode['counter'] {
  const counts = target.failureCounts ?? {
    http: 0,
    tcp: 0,
    timeout: 0,
    [failureKind(target.lastError)]: target.failures,
  };
  return {
    success: target.successes,
    http_failure: counts.http,
    tcp_failure: counts.tcp,
    timeout_failure: counts.timeout,
  };
}

/**
 * lua-resty-healthcheck's four states: a healthy target with failures counted since its last
 * success is `mostly_healthy`, an unhealthy one with successes counted is `mostly_unhealthy`.
 */
export function nodeHealth(target: ControlHealthTarget): NodeHealth {
  if (target.healthy) return target.failures > 0 ? 'mostly_healthy' : 'healthy';
  return target.successes > 0 ? 'mostly_unhealthy' : 'unhealthy';
}

function pluginOf(target: ControlHealthTarget): string | undefined {
  const start = target.owner.length + 1;
  if (!target.targetKey.startsWith(`${target.owner}#`)) return undefined;
  const end = target.targetKey.indexOf('#', start);
  return end === -1 ? undefined : target.targetKey.slice(start, end);
}

export function healthNode(target: ControlHealthTarget): HealthcheckNode {
  return {
    ...splitTarget(target.target),
    status: nodeHealth(target),
    counter: counters(target),
    instance: target.instance,
    target_key: target.targetKey,
    ...(target.lastProbeAt !== undefined ? { last_probe_at: target.lastProbeAt } : {}),
    ...(target.lastError !== undefined ? { last_error: target.lastError } : {}),
  };
}

const byKey = (a: ControlHealthTarget, b: ControlHealthTarget) =>
  a.targetKey < b.targetKey ? -1 : a.targetKey > b.targetKey ? 1 : 0;

/** `/v1/healthcheck`: one entry per checked instance, sorted by target key. */
export function healthcheckList(
  prefix: string,
  targets: readonly ControlHealthTarget[],
): HealthcheckEntry[] {
  return [...targets].sort(byKey).map((target) => ({
    name: `${prefix}/${target.owner}`,
    type: target.type,
    plugin: pluginOf(target),
    instance: target.instance,
    nodes: [healthNode(target)],
  }));
}

/**
 * `/v1/healthcheck/<type>/<id>`: every checked instance of one config item in one entry, one
 * node per instance; undefined when the item has none.
 */
export function healthcheckOf(
  prefix: string,
  owner: string,
  targets: readonly ControlHealthTarget[],
): HealthcheckEntry | undefined {
  const mine = targets.filter((t) => t.owner === owner).sort(byKey);
  const first = mine[0];
  if (!first) return undefined;
  return { name: `${prefix}/${owner}`, type: first.type, nodes: mine.map(healthNode) };
}
