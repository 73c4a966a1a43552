/**
 * @module ai-prompt-guard
 * APISIX's ai-prompt-guard (priority 1072, access phase, before ai-proxy): refuses an AI request
 * whose prompt matches none of `allow_patterns` or any of `deny_patterns`, with 400
 * `{"message": ...}`. Patterns are PCRE, run as translated JavaScript RegExps.
 *
 * @example
 * // route: { "plugins": { "ai-prompt-guard": { "deny_patterns": ["badword"] }, "ai-proxy": {...} } }
 * // POST {"messages":[{"role":"user","content":"a badword"}]} → 400 Request contains prohibited content
 */
import { definePlugin } from '@tollgate/core';
import type { AiPromptGuardConf } from '@tollgate/schema';
import { PLUGIN, promptGuardAccess } from './access';

/** The ai-prompt-guard plugin definition. */
export const aiPromptGuard = definePlugin<AiPromptGuardConf>({
  name: PLUGIN,
  version: '0.1',
  priority: 1072,
  access: promptGuardAccess,
});
