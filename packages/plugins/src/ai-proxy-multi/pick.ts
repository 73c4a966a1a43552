/**
 * @module ai-proxy-multi/pick
 * Choosing the next instance for a request (spec §1.5): healthy first (active verdicts of the
 * node, passive breakers of the worker; all unhealthy = health ignored), and, with a rate-limit
 * aware fallback strategy, only instances every quota plugin of the request still admits. How
 * the balancer chose is kept for the access log, and a spill to a lower group for prometheus.
 */
import { AiContext, type RequestContext } from '@tollgate/core';
import type { AiInstanceConf } from '../ai-common/instance';
import { aiRuntime } from '../ai-common/runtime';
import { noteScores, noteSpill } from '../prometheus/spills';
import { promptPrefix } from './load/prompt-prefix';
import type { AiProxyMultiConfLike, ConfigState, RequestState } from './route-state';
import { hashKeyOf, requestHealth, type PickedChoice } from './selection';

function noteChoice(ctx: RequestContext, state: ConfigState, choice: PickedChoice): void {
  const ai = (ctx.ai ??= new AiContext());
  ai.balancer = {
    algorithm: choice.algorithm,
    reason: choice.reason,
    ...(choice.spilledFrom !== undefined ? { spilled_from: choice.spilledFrom } : {}),
  };
  const spilled = choice.spilledFrom !== undefined;
  if (choice.spilledFrom !== undefined) noteSpill(ctx, choice.spilledFrom, choice.priority);
  if (choice.scores) noteScores(ctx, choice.scores);
  if (!spilled && !choice.scores) return;
  // The node's control API shows the latest scores and the spills per instance.
  aiRuntime().instanceLoad?.notePick?.({
    targetKeys: state.targetKeys,
    chosen: choice.name,
    scores: choice.scores,
    spilled,
  });
}

/**
 * The next instance to try, or undefined when none is left (`all servers tried`); a promise only
 * when a rate-limit gate had to be asked.
 */
export function pickInstance(
  conf: AiProxyMultiConfLike,
  ctx: RequestContext,
  state: ConfigState,
  request: RequestState,
): AiInstanceConf | undefined | Promise<AiInstanceConf | undefined> {
  const { active, passive } = aiRuntime();
  const health = requestHealth(conf.instances, {
    owner: state.owner,
    pluginName: state.pluginName,
    active,
    passive,
    targetKeys: state.targetKeys,
  });
  const gates = state.policy.rateLimitAware ? ctx.plugins.filter((p) => p.plugin.instanceGate) : [];
  return state.picker.pick({
    tried: request.tried,
    // Health alone is a synchronous verdict, which the picker takes without awaiting.
    isEligible:
      gates.length === 0
        ? (name) => health.isHealthy(name)
        : async (name) => {
            if (!health.isHealthy(name)) return false;
            for (const gate of gates) {
              if (!(await gate.plugin.instanceGate?.(gate.conf, ctx, name))) return false;
            }
            return true;
          },
    hashKey: () => hashKeyOf(conf.balancer as never, ctx),
    onIneligible: (name) => request.tried.add(name),
    streaming: ctx.ai?.body?.stream === true,
    prompt: (chars) => promptPrefix(ctx.ai?.body, chars),
    onChosen: (choice) => noteChoice(ctx, state, choice),
  });
}

/** Record the instance an attempt goes to (ctx.ai.instance, `picked_ai_instance_name`). */
export function setPicked(ctx: RequestContext, instance: AiInstanceConf): void {
  const ai = (ctx.ai ??= new AiContext());
  ai.instance = {
    name: instance.name,
    provider: instance.provider,
    conf: instance as unknown as Record<string, unknown>,
  };
  ai.tried.push(instance.name);
  ctx.vars.set('picked_ai_instance_name', instance.name);
  ctx.vars.set('balancer_ip', instance.name);
}
