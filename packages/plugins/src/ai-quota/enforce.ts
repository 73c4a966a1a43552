/**
 * @module ai-quota/enforce
 * The three moments of a token quota: the access-phase check (refuse iff consumed ≥ limit, spec
 * §3.3), the dry-run used by ai-proxy-multi's rate-limit-aware pick (§3.5), and the charge after
 * the response (decision D5: the same usage, the instance that actually served, never a request
 * the gateway refused).
 */
import {
  exit,
  setOwn,
  type CounterState,
  type CounterStore,
  type Exit,
  type Logger,
  type RequestContext,
} from '@tollgate/core';
import { compileCostExpr } from '@tollgate/schema';
import {
  QuotaResolutionError,
  quotasFor,
  resetSeconds,
  type Quota,
  type QuotaConf,
  type QuotaFlavour,
} from './quota';

/** Picks the counter store of a configuration (local or Redis). */
export type StoreResolver = (conf: QuotaConf) => CounterStore;

interface QuotaRequestState {
  /** This plugin refused the request: nothing is charged. */
  rejected: boolean;
  /** The charge was made (once per request). */
  charged: boolean;
  /** Counters were unusable and allow_degradation let the request through. */
  degraded: boolean;
}

function requestState(ctx: RequestContext, flavour: QuotaFlavour): QuotaRequestState {
  return ctx.pluginState(`${flavour.plugin}:quota`, () => ({
    rejected: false,
    charged: false,
    degraded: false,
  }));
}

async function peekAll(store: CounterStore, quotas: Quota[]): Promise<CounterState[]> {
  return Promise.all(quotas.map((q) => store.peek(q.counterKey)));
}

function setHeaders(
  ctx: RequestContext,
  conf: QuotaConf,
  quota: Quota,
  state: CounterState,
  refused: boolean,
): void {
  if (!conf.show_limit_quota_header) return;
  const [limit, remaining, reset] = quota.headers;
  const headers = ctx.response.extraHeaders;
  setOwn(headers, limit, String(quota.limit));
  setOwn(headers, remaining, String(refused ? 0 : Math.max(0, quota.limit - state.consumed)));
  setOwn(headers, reset, resetSeconds(quota, state.resetInMs));
}

/**
 * Access phase: refuse with `rejected_code` (and `{"error_msg": rejected_msg}`) when a quota of
 * the picked instance is used up. Counter faults follow `allow_degradation`.
 */
export async function enforceQuota(
  conf: QuotaConf,
  ctx: RequestContext,
  flavour: QuotaFlavour,
  stores: StoreResolver,
  log: Logger,
): Promise<Exit | undefined> {
  const instance = ctx.ai?.instance?.name;
  if (instance === undefined) return undefined;
  const state = requestState(ctx, flavour);
  // Charge as soon as the answer is complete, before the response ends, so the client's next
  // request already sees it (the log phase only catches what this missed).
  ctx.ai?.settlers.push(() => chargeQuota(conf, ctx, flavour, stores, log));
  let quotas: Quota[];
  try {
    quotas = quotasFor(conf, ctx, instance, flavour);
  } catch (err) {
    if (!(err instanceof QuotaResolutionError)) throw err;
    log.error('rate limit rules did not resolve', {
      plugin: flavour.plugin,
      reason: err.message,
      request_id: ctx.requestId,
    });
    if (conf.allow_degradation) return undefined;
    return exit(500, { error_msg: err.message });
  }
  if (quotas.length === 0) return undefined;
  let counters: CounterState[];
  try {
    counters = await peekAll(stores(conf), quotas);
  } catch (err) {
    log.warn('token counters unavailable', {
      plugin: flavour.plugin,
      policy: conf.policy,
      err,
      request_id: ctx.requestId,
    });
    if (conf.allow_degradation) {
      state.degraded = true;
      ctx.vars.set(`${flavour.plugin}_decision`, 'degraded');
      return undefined;
    }
    return exit(503, {
      error_msg: 'rate limit counters unavailable, request refused (allow_degradation is false)',
    });
  }
  const refused = quotas.findIndex((q, i) => (counters[i]?.consumed ?? 0) >= q.limit);
  quotas.forEach((q, i) => setHeaders(ctx, conf, q, counters[i] ?? { consumed: 0 }, i === refused));
  if (refused === -1) {
    ctx.vars.set(`${flavour.plugin}_decision`, 'allowed');
    return undefined;
  }
  state.rejected = true;
  ctx.vars.set(`${flavour.plugin}_decision`, 'rejected');
  return exit(
    conf.rejected_code,
    conf.rejected_msg === undefined ? undefined : { error_msg: conf.rejected_msg },
  );
}

/**
 * The dry run for a rate-limit-aware pick: whether `instance` still has quota. Sets that
 * instance's headers, as APISIX does for every instance it examines. Counter faults count as
 * admitted (the access phase then applies allow_degradation).
 */
export async function admitsInstance(
  conf: QuotaConf,
  ctx: RequestContext,
  instance: string,
  flavour: QuotaFlavour,
  stores: StoreResolver,
): Promise<boolean> {
  let quotas: Quota[];
  try {
    quotas = quotasFor(conf, ctx, instance, flavour);
  } catch {
    return true;
  }
  if (quotas.length === 0) return true;
  let counters: CounterState[];
  try {
    counters = await peekAll(stores(conf), quotas);
  } catch {
    return true;
  }
  const exhausted = quotas.findIndex((q, i) => (counters[i]?.consumed ?? 0) >= q.limit);
  quotas.forEach((q, i) =>
    setHeaders(ctx, conf, q, counters[i] ?? { consumed: 0 }, i === exhausted),
  );
  return exhausted === -1;
}

const costExprs = new Map<string, ReturnType<typeof compileCostExpr>>();

function costOf(quota: Quota, ctx: RequestContext): number | undefined {
  const usage = ctx.ai?.usage;
  if (!usage) return undefined;
  if (quota.strategy === 'expression') {
    if (!quota.costExpr) return undefined;
    let evaluate = costExprs.get(quota.costExpr);
    if (!evaluate) {
      evaluate = compileCostExpr(quota.costExpr);
      costExprs.set(quota.costExpr, evaluate);
    }
    const source = ctx.ai?.rawUsage ?? (usage as unknown as Record<string, unknown>);
    const vars: Record<string, number> = Object.fromEntries(
      Object.entries(source).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    try {
      return evaluate(vars);
    } catch {
      return undefined;
    }
  }
  return usage[quota.strategy];
}

/**
 * Log phase: charge the usage to every quota of the instance that served, unless this plugin
 * refused the request or the LLM was never called. Failures are logged, never surfaced.
 */
export async function chargeQuota(
  conf: QuotaConf,
  ctx: RequestContext,
  flavour: QuotaFlavour,
  stores: StoreResolver,
  log: Logger,
): Promise<void> {
  const ai = ctx.ai;
  const instance = ai?.instance?.name;
  if (!ai || instance === undefined || ai.upstreamStatus === undefined) return;
  const state = requestState(ctx, flavour);
  if (state.rejected || state.charged) return;
  state.charged = true;
  let quotas: Quota[];
  try {
    quotas = quotasFor(conf, ctx, instance, flavour);
  } catch {
    return;
  }
  for (const quota of quotas) {
    const cost = costOf(quota, ctx);
    if (cost === undefined) {
      if (ai.upstreamStatus < 300)
        log.warn('failed to get token usage for llm service', {
          plugin: flavour.plugin,
          instance,
          request_id: ctx.requestId,
        });
      continue;
    }
    if (cost <= 0) continue;
    try {
      await stores(conf).charge(quota.counterKey, cost, quota.windowSeconds);
    } catch (err) {
      log.warn('token charge lost: counters unavailable', {
        plugin: flavour.plugin,
        instance,
        cost,
        err,
        request_id: ctx.requestId,
      });
    }
  }
}
