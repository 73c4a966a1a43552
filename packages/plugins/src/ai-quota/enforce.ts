/**
 * @module ai-quota/enforce
 * The three moments of a token quota: the access-phase admission (refuse iff consumed (+ reserved,
 * with reserve_tokens) ≥ limit, spec §3.3, issue 14), the dry-run used by ai-proxy-multi's
 * rate-limit-aware pick (§3.5), and the settlement after the response (decision D5: the same
 * usage, the instance that actually served, never a request the gateway refused).
 */
import { estimateUsage } from '@tollgate/ai';
import {
  exit,
  ownValue,
  setOwn,
  type Exit,
  type Logger,
  type QuotaAdmission,
  type QuotaSettlement,
  type QuotaStore,
  type RequestContext,
} from '@tollgate/core';
import { compileCostExpr } from '@tollgate/schema';
import { noteClientError, shapeRefusal } from '../ai-common/client-errors';
import {
  QuotaResolutionError,
  quotasFor,
  resetSeconds,
  type Quota,
  type QuotaConf,
  type QuotaFlavour,
} from './quota';
import { quotaNames } from './variables';

/** Picks the quota store of a configuration (local or Redis). */
export type StoreResolver = (conf: QuotaConf) => QuotaStore;

/** One admitted quota of a request, as its settlement needs it. */
interface Admitted {
  windowId: string;
  reserved: number;
  limit: number;
  windowSeconds: number;
}

interface QuotaRequestState {
  /** This plugin refused the request: its reservations were released, nothing is charged. */
  rejected: boolean;
  /** The settlement was made (once per request). */
  settled: boolean;
  /** Counters were unusable and allow_degradation let the request through. */
  degraded: boolean;
  /** The admissions of this request by counter key, until settled. */
  readonly admitted: Map<string, Admitted>;
}

function requestState(ctx: RequestContext, flavour: QuotaFlavour): QuotaRequestState {
  return ctx.pluginState(quotaNames(flavour.plugin).state, () => ({
    rejected: false,
    settled: false,
    degraded: false,
    admitted: new Map<string, Admitted>(),
  }));
}

function setHeaders(
  ctx: RequestContext,
  conf: QuotaConf,
  quota: Quota,
  admission: QuotaAdmission,
  reserving: number | undefined,
  refused: boolean,
): void {
  if (!conf.show_limit_quota_header) return;
  const [limit, remaining, reset, reserved] = quota.headers;
  const headers = ctx.response.extraHeaders;
  const used = admission.consumed + admission.reserved;
  setOwn(headers, limit, String(quota.limit));
  setOwn(headers, remaining, String(refused ? 0 : Math.max(0, quota.limit - used)));
  setOwn(headers, reset, resetSeconds(quota, admission.resetInMs));
  if (reserving !== undefined) {
    const mine = admission.admitted && !refused ? reserving : 0;
    setOwn(headers, reserved, String(admission.reserved + mine));
  }
}

/**
 * Release what an admission reserved (a refusal, an error, an instance that did not serve).
 * Failures are logged: the reservation then ends with its window.
 */
function release(
  store: QuotaStore,
  key: string,
  admitted: Admitted,
  log: Logger,
  plugin: string,
): Promise<void> | undefined {
  if (admitted.reserved === 0) return undefined;
  return settleLogged(store, key, { ...admitted, actual: 0 }, (err) =>
    log.warn('token reservation not released: counters unavailable', { plugin, err }),
  );
}

/** `store.settle`, its failure (thrown or rejected) reported to `failed`, never thrown. */
function settleLogged(
  store: QuotaStore,
  key: string,
  settlement: QuotaSettlement,
  failed: (err: unknown) => void,
): Promise<void> | undefined {
  try {
    return store.settle(key, settlement)?.catch(failed);
  } catch (err) {
    failed(err);
    return undefined;
  }
}

/** Waits for the pending ones of `settlements`; undefined when none is pending. */
function pendingOf(settlements: readonly (Promise<void> | undefined)[]): Promise<void> | undefined {
  const pending = settlements.filter((s): s is Promise<void> => s !== undefined);
  if (pending.length === 0) return undefined;
  return pending.length === 1 ? pending[0] : Promise.all(pending).then(() => undefined);
}

type Outcome = PromiseSettledResult<QuotaAdmission>;
type Outcomes = Outcome[];

/** One quota's admission, settled: at once when its store answered at once. */
function admitOne(
  store: QuotaStore,
  quota: Quota,
  reserve: number | undefined,
): Outcome | Promise<Outcome> {
  let answer: QuotaAdmission | Promise<QuotaAdmission>;
  try {
    answer = store.admit(quota.counterKey, quota.limit, quota.windowSeconds, reserve);
  } catch (reason) {
    return { status: 'rejected', reason };
  }
  if (!(answer instanceof Promise)) return { status: 'fulfilled', value: answer };
  return answer.then(
    (value): Outcome => ({ status: 'fulfilled', value }),
    (reason: unknown): Outcome => ({ status: 'rejected', reason }),
  );
}

/**
 * Every quota's admission, settled (a fault does not hide the others); no promise while every
 * store answered at once (a worker's leased slice, the common case).
 */
function admitEach(
  store: QuotaStore,
  quotas: readonly Quota[],
  reserves?: readonly (number | undefined)[],
): Outcomes | Promise<Outcomes> {
  const outcomes = quotas.map((q, i) => admitOne(store, q, reserves?.[i]));
  return outcomes.some((o) => o instanceof Promise)
    ? Promise.all(outcomes.map((o) => Promise.resolve(o)))
    : (outcomes as Outcomes);
}

/**
 * Access phase: admit the request against every quota of the picked instance, reserving its
 * estimate where `reserve_tokens` is on, or refuse with `rejected_code` (and
 * `{"error_msg": rejected_msg}`) when one is used up. Counter faults follow `allow_degradation`.
 */
export function enforceQuota(
  conf: QuotaConf,
  ctx: RequestContext,
  flavour: QuotaFlavour,
  stores: StoreResolver,
  log: Logger,
): Exit | undefined | Promise<Exit | undefined> {
  const instance = ctx.ai?.instance?.name;
  if (instance === undefined) return undefined;
  const state = requestState(ctx, flavour);
  // Settle as soon as the answer is complete, before the response ends, so the client's next
  // request already sees it (the log phase only catches what this missed).
  ctx.ai?.settlers.push(() => chargeQuota(conf, ctx, flavour, stores, log));
  let quotas: readonly Quota[];
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
    return shapeRefusal(ctx, exit(500, { error_msg: err.message }));
  }
  if (quotas.length === 0) return undefined;
  const store = stores(conf);
  const reserves = quotas.map((q) => reservationFor(conf, q, ctx));
  const outcomes = admitEach(store, quotas, reserves);
  const admission: Admission = { conf, ctx, flavour, log, state, store, quotas, reserves };
  // Synchronous while the store answered at once (issue 14: no promise per request).
  return outcomes instanceof Promise
    ? outcomes.then((settled) => decide(admission, settled))
    : decide(admission, outcomes);
}

/** One access-phase admission, as `decide` and `conclude` need it. */
interface Admission {
  conf: QuotaConf;
  ctx: RequestContext;
  flavour: QuotaFlavour;
  log: Logger;
  state: QuotaRequestState;
  store: QuotaStore;
  quotas: readonly Quota[];
  reserves: readonly (number | undefined)[];
}

/** Records the admissions; on a fault or a refusal, releases what was reserved first. */
function decide(a: Admission, outcomes: Outcomes): Exit | undefined | Promise<Exit | undefined> {
  const { quotas, reserves, state } = a;
  const admissions: QuotaAdmission[] = [];
  let fault: unknown;
  outcomes.forEach((outcome, i) => {
    const quota = quotas[i] as Quota;
    if (outcome.status === 'rejected') {
      fault ??= outcome.reason;
      return;
    }
    admissions.push(outcome.value);
    if (outcome.value.admitted) {
      state.admitted.set(quota.counterKey, {
        windowId: outcome.value.windowId,
        reserved: reserves[i] ?? 0,
        limit: quota.limit,
        windowSeconds: quota.windowSeconds,
      });
    }
  });
  const refused = fault === undefined ? admissions.findIndex((x) => !x.admitted) : -1;
  if (fault === undefined && refused === -1) return conclude(a, admissions, fault, refused);
  // Nothing this request reserved may stay held: it will not run (or counts as unmetered).
  const releasing = pendingOf(
    [...state.admitted].map(([key, held]) => release(a.store, key, held, a.log, a.flavour.plugin)),
  );
  state.admitted.clear();
  return releasing
    ? releasing.then(() => conclude(a, admissions, fault, refused))
    : conclude(a, admissions, fault, refused);
}

/** The decision: degraded or refused on a fault; the quota headers; allowed or refused. */
function conclude(
  a: Admission,
  admissions: readonly QuotaAdmission[],
  fault: unknown,
  refused: number,
): Exit | undefined {
  const { conf, ctx, flavour, log, state, quotas, reserves } = a;
  const names = quotaNames(flavour.plugin);
  if (fault !== undefined) {
    log.warn('token counters unavailable', {
      plugin: flavour.plugin,
      policy: conf.policy,
      err: fault,
      request_id: ctx.requestId,
    });
    if (conf.allow_degradation) {
      state.degraded = true;
      ctx.vars.set(names.decision, 'degraded');
      return undefined;
    }
    return shapeRefusal(
      ctx,
      exit(503, {
        error_msg: 'rate limit counters unavailable, request refused (allow_degradation is false)',
      }),
    );
  }
  quotas.forEach((q, i) => {
    const admission = admissions[i];
    if (admission) setHeaders(ctx, conf, q, admission, reserves[i], i === refused);
  });
  if (refused === -1) {
    ctx.vars.set(names.decision, 'allowed');
    const reserved = Math.max(0, ...reserves.map((r) => r ?? 0));
    if (reserved > 0) ctx.vars.set(names.reservedTokens, reserved);
    return undefined;
  }
  state.rejected = true;
  ctx.vars.set(names.decision, 'rejected');
  const exhausted = quotas[refused] as Quota;
  noteClientError(ctx, {
    message:
      conf.rejected_msg ??
      `token rate limit exceeded: ${exhausted.limit} tokens per ${exhausted.windowSeconds} seconds`,
    code: 'rate_limit_exceeded',
  });
  const refusal = exit(
    conf.rejected_code,
    conf.rejected_msg === undefined ? undefined : { error_msg: conf.rejected_msg },
    {
      'Retry-After': retryAfterSeconds(
        admissions[refused]?.resetInMs ?? exhausted.windowSeconds * 1000,
      ),
    },
  );
  return shapeRefusal(ctx, refusal);
}

/**
 * `Retry-After` of a quota refusal (issue 16): whole seconds until the exhausted window resets,
 * rounded up and at least 1, so an SDK waits for the window instead of retrying at once.
 *
 * @example
 * retryAfterSeconds(1500); // '2'
 */
export function retryAfterSeconds(resetInMs: number): string {
  const seconds = Number.isFinite(resetInMs) ? Math.ceil(resetInMs / 1000) : 1;
  return String(Math.max(1, seconds));
}

/**
 * The dry run for a rate-limit-aware pick: whether `instance` still has quota (consumed +
 * reserved below the limit), reserving nothing. Sets that instance's headers, as APISIX does for
 * every instance it examines. Counter faults count as admitted (the access phase then applies
 * allow_degradation).
 */
export async function admitsInstance(
  conf: QuotaConf,
  ctx: RequestContext,
  instance: string,
  flavour: QuotaFlavour,
  stores: StoreResolver,
): Promise<boolean> {
  let quotas: readonly Quota[];
  try {
    quotas = quotasFor(conf, ctx, instance, flavour);
  } catch {
    return true;
  }
  if (quotas.length === 0) return true;
  let outcomes: Outcomes;
  try {
    outcomes = await admitEach(stores(conf), quotas);
  } catch {
    return true;
  }
  const admissions: QuotaAdmission[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') return true;
    admissions.push(outcome.value);
  }
  const exhausted = admissions.findIndex((a) => !a.admitted);
  quotas.forEach((q, i) => {
    const admission = admissions[i];
    if (admission) setHeaders(ctx, conf, q, admission, undefined, i === exhausted);
  });
  return exhausted === -1;
}

/** Where client protocols put the most completion tokens a request may take. */
const MAX_TOKEN_FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;

const tokenCount = (v: unknown): number | undefined =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined;

/** Completion tokens a request asks for at most, when its body says (any client protocol). */
function maxTokensOf(body: Record<string, unknown> | undefined): number | undefined {
  if (!body) return undefined;
  for (const field of MAX_TOKEN_FIELDS) {
    const found = tokenCount(ownValue(body, field));
    if (found !== undefined) return found;
  }
  const generation = body.generationConfig;
  return typeof generation === 'object' && generation !== null
    ? tokenCount(ownValue(generation as Record<string, unknown>, 'maxOutputTokens'))
    : undefined;
}

/**
 * What a request reserves against `quota` with `reserve_tokens` (undefined without): prompt
 * tokens estimated from the body (about 4 characters a token) and the completion it may ask for
 * (max_tokens, or reserve_completion_tokens), combined as the quota's strategy counts them, and
 * never above the limit (a huge max_tokens must not hold a whole window).
 */
function reservationFor(conf: QuotaConf, quota: Quota, ctx: RequestContext): number | undefined {
  if (!conf.reserve_tokens) return undefined;
  const prompt = estimateUsage(ctx.ai?.promptChars ?? 0, 0).prompt_tokens;
  const completion = maxTokensOf(ctx.ai?.body) ?? conf.reserve_completion_tokens ?? 256;
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  let estimate: number = usage.total_tokens;
  if (quota.strategy === 'expression') {
    const cost = quota.costExpr ? evaluateCost(quota.costExpr, usage) : undefined;
    if (cost !== undefined) estimate = cost;
  } else {
    estimate = usage[quota.strategy];
  }
  return Math.min(quota.limit, Math.max(0, Math.ceil(estimate)));
}

const costExprs = new Map<string, ReturnType<typeof compileCostExpr>>();

/** `expr` over `vars` (compiled once per expression); undefined when it does not evaluate. */
function evaluateCost(expr: string, vars: Readonly<Record<string, number>>): number | undefined {
  let evaluate = costExprs.get(expr);
  if (!evaluate) {
    evaluate = compileCostExpr(expr);
    costExprs.set(expr, evaluate);
  }
  try {
    return evaluate(vars);
  } catch {
    return undefined;
  }
}

function costOf(quota: Quota, ctx: RequestContext): number | undefined {
  const usage = ctx.ai?.usage;
  if (!usage) return undefined;
  if (quota.strategy === 'expression') {
    if (!quota.costExpr) return undefined;
    const source = ctx.ai?.rawUsage ?? (usage as unknown as Record<string, unknown>);
    const vars: Record<string, number> = Object.fromEntries(
      Object.entries(source).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    return evaluateCost(quota.costExpr, vars);
  }
  return usage[quota.strategy];
}

/**
 * Settlement, when the answer is complete (or in the log phase): the usage replaces each
 * admission's reservation on every quota of the instance that served; reservations of quotas
 * that did not serve (a fallback, an LLM never called) are released. Nothing is charged for a
 * request this plugin refused. Failures are logged, never surfaced. The second call (the log
 * phase after the settlement) returns at once, without a promise.
 */
export function chargeQuota(
  conf: QuotaConf,
  ctx: RequestContext,
  flavour: QuotaFlavour,
  stores: StoreResolver,
  log: Logger,
): Promise<void> | undefined {
  const state = requestState(ctx, flavour);
  if (state.rejected || state.settled) return undefined;
  state.settled = true;
  return settle(conf, ctx, flavour, state, stores(conf), log);
}

function settle(
  conf: QuotaConf,
  ctx: RequestContext,
  flavour: QuotaFlavour,
  state: QuotaRequestState,
  store: QuotaStore,
  log: Logger,
): Promise<void> | undefined {
  const ai = ctx.ai;
  const instance = ai?.instance?.name;
  let quotas: readonly Quota[] = [];
  if (ai && instance !== undefined && ai.upstreamStatus !== undefined) {
    try {
      quotas = quotasFor(conf, ctx, instance, flavour);
    } catch {
      quotas = [];
    }
  }
  const settlements: (Promise<void> | undefined)[] = [];
  let settled = 0;
  for (const quota of quotas) {
    const admitted = state.admitted.get(quota.counterKey);
    state.admitted.delete(quota.counterKey);
    const cost = costOf(quota, ctx);
    if (cost === undefined && (ai?.upstreamStatus ?? 0) < 300) {
      log.warn('failed to get token usage for llm service', {
        plugin: flavour.plugin,
        instance,
        request_id: ctx.requestId,
      });
    }
    const actual = Math.max(0, Math.ceil(cost ?? 0));
    settled = Math.max(settled, actual);
    if (actual === 0 && !admitted?.reserved) continue;
    const settlement = {
      limit: quota.limit,
      windowSeconds: quota.windowSeconds,
      windowId: admitted?.windowId ?? '',
      reserved: admitted?.reserved ?? 0,
      actual,
    };
    settlements.push(
      settleLogged(store, quota.counterKey, settlement, (err) => {
        log.warn('token charge lost: counters unavailable', {
          plugin: flavour.plugin,
          instance,
          cost: actual,
          err,
          request_id: ctx.requestId,
        });
      }),
    );
  }
  // The same usage goes to every quota of the instance: the metric counts it once.
  if (settled > 0) ctx.vars.set(quotaNames(flavour.plugin).settledTokens, settled);
  for (const [key, admitted] of state.admitted) {
    settlements.push(release(store, key, admitted, log, flavour.plugin));
  }
  state.admitted.clear();
  return pendingOf(settlements);
}
