/**
 * @module ai-aws-content-moderation/moderate
 * Scoring a text against the route's thresholds (spec A.5): the text is cut into calls
 * (`segments`), each call is scored, and the first result over a threshold decides. A category
 * of `moderation_categories` is over when its label scores strictly above its threshold
 * (checked first), the whole result when `Toxicity` is strictly above `moderation_threshold`.
 * Each call is recorded with its latency (`noteContentCheck`), and the verdict sets
 * `llm_content_risk_level` (`high` when flagged, else `none`, never lowering a `high`).
 */
import { ownValue, type RequestContext } from '@tollgate/core';
import type { AiAwsContentModerationConf } from '@tollgate/schema';
import { noteContentCheck, noteRiskLevel } from '../ai-content-common';
import {
  ComprehendAbandoned,
  ComprehendError,
  detectToxicContent,
  type ToxicityResult,
} from './comprehend';
import { segmentBatches } from './segments';

export const PLUGIN = 'ai-aws-content-moderation';

export type Side = 'request' | 'response';

export type Verdict =
  | { kind: 'clean' }
  /** `reason` is APISIX's text; `label` the short reason for metrics (`toxicity`, `profanity`). */
  | { kind: 'flagged'; reason: string; label: string }
  /** Comprehend failed: `message` is the answer when failing closed. */
  | { kind: 'error'; message: string; detail?: string }
  /** The client left while a call was pending. */
  | { kind: 'gone' };

/** Why `result` breaks the thresholds, or undefined. */
export function overThreshold(
  conf: AiAwsContentModerationConf,
  result: ToxicityResult,
  subject: string,
): { reason: string; label: string } | undefined {
  const categories = conf.moderation_categories;
  if (categories) {
    for (const item of result.Labels) {
      const threshold = ownValue(categories as Record<string, number | undefined>, item.Name);
      if (threshold !== undefined && item.Score > threshold) {
        return {
          reason: `${subject} exceeds ${item.Name} threshold`,
          label: item.Name.toLowerCase(),
        };
      }
    }
  }
  if (result.Toxicity > conf.moderation_threshold) {
    return { reason: `${subject} exceeds toxicity threshold`, label: 'toxicity' };
  }
  return undefined;
}

/**
 * Score `text` (non-empty) on `side`, call after call, stopping at the first hit.
 *
 * @example
 * const verdict = await moderate(conf, ctx, 'I will kill you', 'request', ctx.clientSignal);
 * // { kind: 'flagged', reason: 'request body exceeds toxicity threshold', label: 'toxicity' }
 */
export async function moderate(
  conf: AiAwsContentModerationConf,
  ctx: RequestContext,
  text: string,
  side: Side,
  signal: AbortSignal,
): Promise<Verdict> {
  const limit =
    side === 'request' ? conf.request_check_length_limit : conf.response_check_length_limit;
  const subject = `${side} body`;
  for (const segments of segmentBatches(text, limit)) {
    const started = performance.now();
    let results: ToxicityResult[];
    try {
      results = await detectToxicContent(conf, segments, signal);
    } catch (err) {
      const ms = performance.now() - started;
      if (err instanceof ComprehendAbandoned) return { kind: 'gone' };
      noteContentCheck(ctx, { plugin: PLUGIN, side, ms, outcome: 'error' });
      if (err instanceof ComprehendError) {
        return { kind: 'error', message: err.message, detail: err.detail };
      }
      throw err;
    }
    const ms = performance.now() - started;
    let hit: { reason: string; label: string } | undefined;
    for (const result of results) {
      hit = overThreshold(conf, result, subject);
      if (hit) break;
    }
    noteContentCheck(ctx, { plugin: PLUGIN, side, ms, outcome: hit ? 'deny' : 'pass' });
    if (hit) {
      noteRiskLevel(ctx, 'high');
      return { kind: 'flagged', ...hit };
    }
  }
  noteRiskLevel(ctx, 'none');
  return { kind: 'clean' };
}
