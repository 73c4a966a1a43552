/**
 * @module traffic-split
 * APISIX's traffic-split (priority 966, access): the first rule whose `match` passes (any of its
 * `vars` conditions; a rule without `match` always) picks one of its `weighted_upstreams` by
 * weighted round robin (APISIX's `resty.roundrobin`), and the request goes there instead of the
 * route's upstream: an upstream object (`upstream_id`, 502 when it does not exist), an inline
 * `upstream`, or, for an entry with only `weight`, the route's own. No rule passing: the route's
 * upstream. The choice reaches the proxy through `ctx.upstreamOverride`.
 *
 * @example
 * // route: { "plugins": { "traffic-split": { "rules": [{ "weighted_upstreams": [
 * //   { "upstream": { "type": "roundrobin", "nodes": { "127.0.0.1:1981": 1 } }, "weight": 1 },
 * //   { "weight": 3 } ] }] } }, "upstream": { ... } }
 * // → 1 request in 4 goes to 127.0.0.1:1981, 3 to the route's upstream
 */
import {
  compileExpr,
  definePlugin,
  exit,
  ownValue,
  setOwn,
  type Exit,
  type ExprMatcher,
  type RequestContext,
  type UpstreamOverride,
} from '@tollgate/core';
import type { TrafficSplitConf } from '@tollgate/schema';
import { RoundRobin } from './picker';

type Rule = NonNullable<TrafficSplitConf['rules']>[number];
type WeightedUpstream = Rule['weighted_upstreams'][number];
type InlineUpstream = NonNullable<WeightedUpstream['upstream']>;

/** What a pick stands for: the route's upstream, an upstream object, or an inline upstream. */
type Target =
  | { kind: 'route' }
  | { kind: 'id'; id: string }
  | { kind: 'inline'; index: number; conf: Record<string, unknown> | Error };

/** APISIX's inline upstream timeouts when the upstream has none (seconds). */
const DEFAULT_TIMEOUT = 15;
/** The fields of an inline upstream APISIX's traffic-split carries over (`set_upstream`). */
const CARRIED_FIELDS = ['name', 'type', 'hash_on', 'pass_host', 'upstream_host', 'key', 'nodes'];

const pickers = new WeakMap<readonly WeightedUpstream[], RoundRobin<Target>>();
const matchers = new WeakMap<object, ExprMatcher | Error>();

/**
 * The upstream configuration APISIX builds from an inline upstream: only the carried fields and
 * the timeouts (15 s each by default); an Error when it is not a usable upstream.
 */
export function inlineUpstreamConf(upstream: InlineUpstream): Record<string, unknown> | Error {
  const conf: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const source = upstream as unknown as Record<string, unknown>;
  for (const field of CARRIED_FIELDS) {
    const value = ownValue(source, field);
    if (value !== undefined) setOwn(conf, field, value);
  }
  const timeout = upstream.timeout;
  conf.timeout = {
    connect: timeout?.connect ?? DEFAULT_TIMEOUT,
    send: timeout?.send ?? DEFAULT_TIMEOUT,
    read: timeout?.read ?? DEFAULT_TIMEOUT,
  };
  if (conf.pass_host === 'rewrite' && !conf.upstream_host) {
    return new Error("`upstream_host` can't be empty when `pass_host` is `rewrite`");
  }
  if (conf.nodes === undefined) return new Error('missing nodes');
  return conf;
}

/** The picker of one `weighted_upstreams` list, built once per configuration. */
export function pickerFor(list: readonly WeightedUpstream[]): RoundRobin<Target> {
  let picker = pickers.get(list);
  if (picker) return picker;
  // As APISIX's server list: entries of one upstream_id, or those standing for the route's
  // upstream, share one slot (the last weight wins); every inline upstream has its own.
  const slots = new Map<string, [Target, number]>();
  list.forEach((entry, index) => {
    if (entry.upstream_id !== undefined) {
      const id = String(entry.upstream_id);
      slots.set(`id:${typeof entry.upstream_id}:${id}`, [{ kind: 'id', id }, entry.weight]);
    } else if (entry.upstream !== undefined) {
      const conf = inlineUpstreamConf(entry.upstream);
      slots.set(`inline:${index}`, [{ kind: 'inline', index, conf }, entry.weight]);
    } else {
      slots.set('route', [{ kind: 'route' }, entry.weight]);
    }
  });
  picker = new RoundRobin([...slots.values()]);
  pickers.set(list, picker);
  return picker;
}

function matcherOf(condition: { vars?: unknown[] }): ExprMatcher | Error {
  let matcher = matchers.get(condition);
  if (matcher === undefined) {
    try {
      matcher = condition.vars === undefined ? () => true : compileExpr(condition.vars);
    } catch (err) {
      matcher = err instanceof Error ? err : new Error(String(err));
    }
    matchers.set(condition, matcher);
  }
  return matcher;
}

/**
 * The rule that applies: its index, or undefined when none does, or the vars compile error.
 * Mirrors APISIX's loop, including that a rule with an empty `match` list keeps the previous
 * rule's outcome.
 */
export function selectRule(
  rules: readonly Rule[],
  ctx: RequestContext,
): number | undefined | Error {
  let passed = true;
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index] as Rule;
    if (rule.match === undefined) return index;
    for (const condition of rule.match) {
      const matcher = matcherOf(condition);
      if (matcher instanceof Error) return matcher;
      passed = matcher(ctx.vars.lookup);
      if (passed) break;
    }
    if (passed) return index;
  }
  return undefined;
}

function access(conf: TrafficSplitConf, ctx: RequestContext): Exit | undefined {
  const rules = conf.rules;
  if (rules === undefined || rules.length === 0) return undefined;
  const selected = selectRule(rules, ctx);
  if (selected instanceof Error) return exit(500, selected.message);
  if (selected === undefined) return undefined;
  const rule = rules[selected] as Rule;
  const target = pickerFor(rule.weighted_upstreams).pick();
  let override: UpstreamOverride | undefined;
  if (target.kind === 'id') {
    override = { id: target.id };
  } else if (target.kind === 'inline') {
    if (target.conf instanceof Error) return exit(500, target.conf.message);
    const routeKey = ctx.route ? `routes/${ctx.route.id}` : 'global';
    override = { key: `${routeKey}#traffic-split/${selected}/${target.index}`, conf: target.conf };
  }
  ctx.upstreamOverride = override;
  return undefined;
}

/** The traffic-split plugin definition. */
export const trafficSplit = definePlugin<TrafficSplitConf>({
  name: 'traffic-split',
  version: '0.1',
  priority: 966,
  access,
});
