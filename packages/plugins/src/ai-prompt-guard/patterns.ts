/**
 * @module ai-prompt-guard/patterns
 * The allow and deny patterns, compiled once per configuration object from PCRE to JavaScript
 * (`compilePcreExact`, options `jou` as APISIX: case-sensitive, UTF-8). The Admin API refused
 * patterns that do not compile; one that still fails here (a config written to etcd without the
 * Admin API) throws, so the request fails closed with a 500 rather than going unchecked.
 */
import { compilePcreExact } from '@tollgate/core';
import type { AiPromptGuardConf } from '@tollgate/schema';

export interface CompiledPatterns {
  allow: readonly RegExp[];
  deny: readonly RegExp[];
}

const compiled = new WeakMap<AiPromptGuardConf, CompiledPatterns>();

const compile = (patterns: readonly string[]): RegExp[] =>
  patterns.map((p) => compilePcreExact(p, { options: 'jou', matchOnly: true }));

/** The configuration's patterns, compiled on first use. */
export function patternsOf(conf: AiPromptGuardConf): CompiledPatterns {
  let out = compiled.get(conf);
  if (!out) {
    out = { allow: compile(conf.allow_patterns), deny: compile(conf.deny_patterns) };
    compiled.set(conf, out);
  }
  return out;
}

/** The refusal for `text`, or undefined when it may pass: allow is checked before deny. */
export function verdict(
  patterns: CompiledPatterns,
  text: string,
): 'allow_pattern_miss' | 'deny_pattern' | undefined {
  if (patterns.allow.length > 0 && !patterns.allow.some((re) => re.test(text))) {
    return 'allow_pattern_miss';
  }
  return patterns.deny.some((re) => re.test(text)) ? 'deny_pattern' : undefined;
}
