/**
 * @module ai-aliyun-content-moderation/moderate
 * Moderates one text (spec A.6): cut into pieces of `length_limit` characters, one
 * TextModerationPlus call per piece in order, the first piece at or above `risk_level_bar`
 * refuses. A call that fails is logged as `failed to check content: ...` and the text passes
 * (Alibaba's service fails open, unlike AWS Comprehend's plugin). Every call is timed for the
 * latency metric, and the level the service returned becomes `llm_content_risk_level`.
 */
import { createLogger, type RequestContext } from '@tollgate/core';
import type { AiAliyunContentModerationConf } from '@tollgate/schema';
import { noteContentCheck, noteRiskLevel } from '../ai-content-common';
import { moderateText } from './client';

export const PLUGIN = 'ai-aliyun-content-moderation';

const log = createLogger(PLUGIN);

const RISK_RANK: ReadonlyMap<string, number> = new Map([
  ['none', 0],
  ['low', 1],
  ['medium', 2],
  ['high', 3],
  ['max', 4],
]);

/** The rank of a risk level; -1 for a level the service may add later, which never refuses. */
export function riskRank(level: string): number {
  return RISK_RANK.get(level) ?? -1;
}

/**
 * `text` cut into pieces of at most `limit` characters (code points, so a character outside the
 * BMP is never split).
 *
 * @example
 * splitCharacters('héllo', 2); // ['hé', 'll', 'o']
 */
export function splitCharacters(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const pieces: string[] = [];
  let start = 0;
  let count = 0;
  for (let i = 0; i < text.length;) {
    const code = text.codePointAt(i) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    if (count === limit) {
      pieces.push(text.slice(start, i));
      start = i;
      count = 0;
    }
    count += 1;
    i += width;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** Per request: the session id every call of the request shares (`ServiceParameters.sessionId`). */
export interface ModerationSession {
  readonly sessionId: string;
}

export interface ModerationOutcome {
  /** True when a piece reached `risk_level_bar`. */
  hit: boolean;
  /** The level of the last answered call (of the refusing piece on a hit). */
  riskLevel?: string;
  /** The service's readable refusal on a hit. */
  advice?: string;
}

/** Which side is moderated, and with which service and piece size. */
export type Side = 'request' | 'response';

function sideSettings(conf: AiAliyunContentModerationConf, side: Side) {
  return side === 'request'
    ? { service: conf.request_check_service, limit: conf.request_check_length_limit }
    : { service: conf.response_check_service, limit: conf.response_check_length_limit };
}

/** Moderate `text` for `side`; an empty or blank text makes no call. */
export async function moderate(
  ctx: RequestContext,
  conf: AiAliyunContentModerationConf,
  session: ModerationSession,
  side: Side,
  text: string,
): Promise<ModerationOutcome> {
  const outcome: ModerationOutcome = { hit: false };
  if (text === '') return outcome;
  const { service, limit } = sideSettings(conf, side);
  const bar = riskRank(conf.risk_level_bar);
  for (const piece of splitCharacters(text, limit)) {
    if (!/\S/.test(piece)) continue;
    if (ctx.clientSignal.aborted) return outcome;
    const started = performance.now();
    const result = await moderateText(conf, service, session.sessionId, piece, ctx.clientSignal);
    const ms = performance.now() - started;
    if (!result.ok) {
      noteContentCheck(ctx, { plugin: PLUGIN, side, ms, outcome: 'error' });
      if (!ctx.clientSignal.aborted) {
        log.error(`failed to check content: ${result.error}`, { request_id: ctx.requestId });
      }
      continue;
    }
    const { riskLevel, advice } = result.verdict;
    noteRiskLevel(ctx, riskLevel);
    outcome.riskLevel = riskLevel;
    const hit = riskRank(riskLevel) >= bar;
    noteContentCheck(ctx, { plugin: PLUGIN, side, ms, outcome: hit ? 'deny' : 'pass' });
    if (hit) return { hit: true, riskLevel, advice };
  }
  return outcome;
}

/** The refusal text: `deny_message`, else the service's answer, else APISIX's default. */
export function denyText(conf: AiAliyunContentModerationConf, advice: string | undefined): string {
  return conf.deny_message ?? advice ?? 'Your request violate our content policy.';
}
