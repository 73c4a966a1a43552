/**
 * @module checks/ai-runaway-guard
 * ai-runaway-guard's check beyond its schema: a window that cannot hold more than `max_repeats`
 * n-grams could never trip the loop detector, so it is refused rather than silently inert.
 */

/** First cross-field failure of a schema-valid ai-runaway-guard config, or undefined. */
export function checkAiRunawayGuard(conf: Record<string, unknown>): string | undefined {
  const repetition = conf.repetition as
    { enabled?: boolean; window_tokens?: number; max_repeats?: number } | undefined;
  if (!repetition || repetition.enabled === false) return undefined;
  const { window_tokens: window = 1000, max_repeats: maxRepeats = 10 } = repetition;
  if (window <= maxRepeats) {
    return `repetition.window_tokens (${window}) must be greater than repetition.max_repeats (${maxRepeats})`;
  }
  return undefined;
}
