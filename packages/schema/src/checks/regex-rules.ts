/**
 * @module checks/regex-rules
 * The check APISIX runs on plugin options that hold regular expressions (`re_compile(rule, "j")`
 * in cors, ua-restriction, uri-blocker): every rule must compile. Tollgate compiles them as
 * JavaScript RegExps, so PCRE-only syntax (inline flags such as `(?i)`, possessive quantifiers,
 * atomic groups) is refused here rather than failing at request time.
 */

/**
 * The compile error of the first rule that is not a valid regular expression, or undefined.
 * @example firstRegexError(['^/a', '(']) // 'Invalid regular expression: /(/: Unterminated group'
 */
export function firstRegexError(rules: unknown): string | undefined {
  if (!Array.isArray(rules)) return undefined;
  for (const rule of rules) {
    if (typeof rule !== 'string') continue;
    try {
      new RegExp(rule);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return undefined;
}
