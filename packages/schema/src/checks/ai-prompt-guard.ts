/**
 * @module checks/ai-prompt-guard
 * ai-prompt-guard's check beyond its schema (APISIX `check_schema`): every allow and deny pattern
 * must compile, as APISIX compiles them with `re_match_compile(pattern, "jou")`. Tollgate runs
 * them as JavaScript RegExps translated from PCRE (`compilePcreExact`); valid PCRE the translation
 * cannot express is refused here, naming the construct, rather than failing at request time.
 */
import { compilePcreExact, PcreUnsupportedError } from '@tollgate/core';

/** ngx.re options APISIX gives the patterns: JIT, compile once, UTF-8 (case-sensitive). */
export const PROMPT_GUARD_REGEX_OPTIONS = 'jou';

function firstBadPattern(kind: string, patterns: unknown): string | undefined {
  if (!Array.isArray(patterns)) return undefined;
  for (const pattern of patterns) {
    if (typeof pattern !== 'string') continue;
    try {
      compilePcreExact(pattern, { options: PROMPT_GUARD_REGEX_OPTIONS, matchOnly: true });
    } catch (err) {
      // APISIX's exact text, plus why when the pattern is PCRE Tollgate cannot run.
      const why = err instanceof PcreUnsupportedError ? ` (not supported: ${err.message})` : '';
      return `invalid ${kind}: ${pattern}${why}`;
    }
  }
  return undefined;
}

/** First failure of a schema-valid ai-prompt-guard config, or undefined. */
export function checkAiPromptGuard(conf: Record<string, unknown>): string | undefined {
  return (
    firstBadPattern('allow_pattern', conf.allow_patterns) ??
    firstBadPattern('deny_pattern', conf.deny_patterns)
  );
}
