/**
 * ai-aws-content-moderation (APISIX 3.18, priority 1031, spec A.5): Amazon Comprehend
 * `DetectToxicContent` scores the prompt before the LLM is called and, with `check_response`,
 * the answer (whole, or streamed in `final_packet` / `realtime` mode) through a response hook.
 */
import { definePlugin } from '@tollgate/core';
import type { AiAwsContentModerationConf } from '@tollgate/schema';
import { moderateRequest } from './access';
import { closeComprehendAgents } from './comprehend';

export const aiAwsContentModeration = definePlugin<AiAwsContentModerationConf>({
  name: 'ai-aws-content-moderation',
  version: '0.1',
  priority: 1031,
  destroy: () => closeComprehendAgents(),
  access: (conf, ctx) => moderateRequest(conf, ctx),
});
