import http from 'node:http';
import net from 'node:net';
import { addAiFields, AiContext, RequestContext } from '@tollgate/core';
import { aiRuntime } from '../ai-common/runtime';
import { spillsOf } from '../prometheus/spills';
import { pickInstance } from './pick';
import { configState, requestState, type AiProxyMultiConfLike } from './route-state';

function context(): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = {};
  req.url = '/chat';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.ai = new AiContext();
  ctx.ai.body = { messages: [{ role: 'user', content: 'hi' }] };
  return ctx;
}

const instance = (name: string, priority = 0) => ({
  name,
  provider: 'openai-compatible',
  weight: 1,
  priority,
  auth: {},
  override: { endpoint: `http://${name}.test:8000` },
});

async function pick(conf: AiProxyMultiConfLike, ctx = context()) {
  const chosen = await pickInstance(conf, ctx, configState(conf), requestState(ctx));
  return { chosen: chosen?.name, ctx };
}

describe('pickInstance with a load-aware balancer', () => {
  it('reads the worker load view and says in the access log how it chose', async () => {
    const conf: AiProxyMultiConfLike = {
      balancer: { algorithm: 'least_busy' },
      instances: [instance('busy'), instance('idle')],
    };
    const load = aiRuntime().instanceLoad;
    load.begin('http://busy.test:8000');
    try {
      const { chosen, ctx } = await pick(conf);
      expect(chosen).toBe('idle');
      const fields: Record<string, unknown> = {};
      addAiFields(fields, ctx, ctx.ai as AiContext);
      expect(fields.balancer).toEqual({
        algorithm: 'least_busy',
        reason: 'least busy: 0 in flight',
      });
      expect(spillsOf(ctx)).toEqual([]);
    } finally {
      load.end('http://busy.test:8000');
    }
  });

  it('does not count moving past a tried instance as a spill', async () => {
    const conf: AiProxyMultiConfLike = {
      balancer: { algorithm: 'least_busy' },
      instances: [instance('gpu-a', 10), instance('cloud', 0)],
    };
    const ctx = context();
    requestState(ctx).tried.add('gpu-a');
    // A tried instance is not a spill: the request is falling back, not spilling.
    expect((await pick(conf, ctx)).chosen).toBe('cloud');
    expect(spillsOf(ctx)).toEqual([]);
    expect(ctx.ai?.balancer?.spilled_from).toBeUndefined();
  });
});
