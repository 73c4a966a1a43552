/**
 * @module ai-aliyun-content-moderation
 * APISIX's ai-aliyun-content-moderation (priority 1029, access phase plus the AI response hook):
 * prompts, and with `check_response` answers, are sent to Alibaba Cloud's TextModerationPlus
 * (a signed form POST) and refused at or above `risk_level_bar`, with a refusal shaped as a
 * completion of the client's protocol. The service failing lets the text through (fail open).
 *
 * @example
 * // route: { "plugins": { "ai-proxy": {...}, "ai-aliyun-content-moderation": {
 * //   "endpoint": "https://green-cip.cn-shanghai.aliyuncs.com", "region_id": "cn-shanghai",
 * //   "access_key_id": "...", "access_key_secret": "$env://ALIYUN_SECRET" } } }
 */
import { definePlugin } from '@tollgate/core';
import type { AiAliyunContentModerationConf } from '@tollgate/schema';
import { access } from './access';
import { closeModerationClients } from './client';
import { PLUGIN } from './moderate';

/** The ai-aliyun-content-moderation plugin definition. */
export const aiAliyunContentModeration = definePlugin<AiAliyunContentModerationConf>({
  name: PLUGIN,
  version: '0.1',
  priority: 1029,
  access,
  destroy: () => closeModerationClients(),
});
