/** A quota 429 carries `Retry-After` from the window's reset (issue 16 item 4). */
import http from 'node:http';
import net from 'node:net';
import { AiContext, createLogger, RequestContext } from '@tollgate/core';
import { LocalCounterStore } from '@tollgate/limiter';
import { checkPluginConf } from '@tollgate/schema';
import { chargeQuota, enforceQuota, retryAfterSeconds } from './enforce';
import type { QuotaConf, QuotaFlavour } from './quota';

const log = createLogger('ai-quota-test');
const FLAVOUR: QuotaFlavour = { plugin: 'ai-rate-limiting', headerStem: 'X-AI-RateLimit' };

function resolved(conf: Record<string, unknown>): QuotaConf {
  const result = checkPluginConf('ai-rate-limiting', conf, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as QuotaConf;
}

function context(): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.url = '/v1/chat/completions';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: 'r1', matchedUri: '/v1/chat/completions' };
  const ai = new AiContext();
  ai.body = {};
  ai.instance = { name: 'a', provider: 'openai', conf: {} };
  ctx.ai = ai;
  return ctx;
}

describe('retryAfterSeconds', () => {
  it.each<[number, string]>([
    [0, '1'],
    [1, '1'],
    [999, '1'],
    [1000, '1'],
    [1001, '2'],
    [3_599_500, '3600'],
    [Number.NaN, '1'],
  ])('%d ms → %s', (ms, header) => {
    expect(retryAfterSeconds(ms)).toBe(header);
  });
});

describe('quota refusal', () => {
  it('sends Retry-After within the window, whether or not rejected_msg is set', async () => {
    for (const extra of [{}, { rejected_msg: 'quota used up' }]) {
      const store = new LocalCounterStore({ sweepIntervalMs: 0 });
      const conf = resolved({ limit: 10, time_window: 3600, rejected_code: 429, ...extra });
      const first = context();
      expect(await enforceQuota(conf, first, FLAVOUR, () => store, log)).toBeUndefined();
      const ai = first.ai as AiContext;
      ai.upstreamStatus = 200;
      ai.usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
      await chargeQuota(conf, first, FLAVOUR, () => store, log);
      const refused = await enforceQuota(conf, context(), FLAVOUR, () => store, log);
      expect(refused).toMatchObject({ status: 429 });
      const seconds = Number(refused?.headers?.['Retry-After']);
      expect(Number.isInteger(seconds)).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(3590);
      expect(seconds).toBeLessThanOrEqual(3600);
    }
  });
});
