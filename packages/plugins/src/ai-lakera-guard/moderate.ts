/**
 * @module ai-lakera-guard/moderate
 * One verdict on a conversation, shared by the prompt and the answer side (APISIX's `moderate`):
 * ask Lakera, then apply `fail_open` to an error and `action` to a flag. Every call is noted with
 * its latency (metrics), a flag sets `llm_content_risk_level` to `high` and is logged at warn
 * level with Lakera's whole breakdown (every detector, detected or not) and its request UUID, so
 * alert-mode traffic stays auditable.
 */
import { createLogger, type Logger, type RequestContext } from '@tollgate/core';
import type { AiLakeraGuardConf } from '@tollgate/schema';
import { noteContentCheck, noteRiskLevel } from '../ai-content-common';
import { scan, type BreakdownEntry, type GuardMessage } from './client';

export const PLUGIN = 'ai-lakera-guard';

export const log: Logger = createLogger(PLUGIN);

export type Side = 'request' | 'response';

/** What to do with the scanned traffic. */
export type Moderation =
  | { deny: false }
  /** `reason` labels the metric: `flagged`, or `guard_error` when Lakera failed (fail-closed). */
  | { deny: true; reason: 'flagged' | 'guard_error'; text: string };

const PASS: Moderation = { deny: false };

/** The refusal text of `side`, configured per direction. */
export function failureMessage(conf: AiLakeraGuardConf, side: Side): string {
  return side === 'request' ? conf.request_failure_message : conf.response_failure_message;
}

/**
 * The refusal text of a flag: with `reveal_failure_categories`, the detectors that fired are
 * appended with their confidence (`. Flagged categories: prompt_attack (l1_confident)`); the
 * ones that did not fire stay in the log only.
 */
export function refusalText(
  conf: AiLakeraGuardConf,
  message: string,
  breakdown: readonly BreakdownEntry[],
): string {
  if (!conf.reveal_failure_categories) return message;
  const parts: string[] = [];
  for (const entry of breakdown) {
    if (entry.detected !== true || typeof entry.detector_type !== 'string') continue;
    const result = typeof entry.result === 'string' && entry.result !== '' ? entry.result : '';
    parts.push(result === '' ? entry.detector_type : `${entry.detector_type} (${result})`);
  }
  return parts.length === 0 ? message : `${message}. Flagged categories: ${parts.join(', ')}`;
}

/**
 * Scan `messages` and decide. An empty conversation has nothing to scan and passes.
 * `signal` aborts the call when the client leaves (undefined for a scan that must finish).
 */
export async function moderate(
  conf: AiLakeraGuardConf,
  ctx: RequestContext,
  messages: GuardMessage[],
  side: Side,
  signal: AbortSignal | undefined,
): Promise<Moderation> {
  if (messages.length === 0) return PASS;
  const started = performance.now();
  const result = await scan(messages, {
    endpoint: conf.lakera_endpoint,
    apiKey: conf.api_key,
    projectId: conf.project_id,
    timeoutMs: conf.timeout,
    sslVerify: conf.ssl_verify,
    signal,
  });
  const ms = performance.now() - started;
  const fields = { request_id: ctx.requestId };
  if (!result.ok) {
    noteContentCheck(ctx, { plugin: PLUGIN, side, ms, outcome: 'error' });
    if (conf.fail_open) {
      log.warn(`${PLUGIN}: ${result.error}; fail_open=true, allowing ${side}`, fields);
      return PASS;
    }
    log.error(`${PLUGIN}: ${result.error}; fail_open=false, blocking ${side}`, fields);
    return { deny: true, reason: 'guard_error', text: failureMessage(conf, side) };
  }
  const { verdict } = result;
  if (!verdict.flagged) {
    noteContentCheck(ctx, { plugin: PLUGIN, side, ms, outcome: 'pass' });
    noteRiskLevel(ctx, 'none');
    return PASS;
  }
  noteRiskLevel(ctx, 'high');
  log.warn(`${PLUGIN}: ${side} flagged by Lakera Guard`, {
    ...fields,
    action: conf.action,
    breakdown: verdict.breakdown,
    request_uuid: verdict.requestUuid ?? '',
  });
  if (conf.action === 'alert') {
    noteContentCheck(ctx, { plugin: PLUGIN, side, ms, outcome: 'pass' });
    return PASS;
  }
  noteContentCheck(ctx, { plugin: PLUGIN, side, ms, outcome: 'deny' });
  return {
    deny: true,
    reason: 'flagged',
    text: refusalText(conf, failureMessage(conf, side), verdict.breakdown),
  };
}
