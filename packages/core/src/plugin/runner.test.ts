import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '../context/request-context';
import { definePlugin, exit } from './define-plugin';
import { bindPlugins } from './instance';
import { runPhase } from './runner';

function context(): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = {};
  req.url = '/x';
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

const answering = (status: number) =>
  definePlugin<object>({
    name: `answers-${status}`,
    version: '0.1',
    priority: 1,
    access: () => exit(status, { message: 'plugin text' }, { 'www-authenticate': 'Basic' }),
  });

function chain(status: number, meta: Record<string, unknown>) {
  const plugin = answering(status);
  const registry = new Map([[plugin.name, plugin as never]]);
  return bindPlugins({ [plugin.name]: { _meta: meta } }, 'routes/1', registry, () => {
    throw new Error('unexpected bind error');
  });
}

describe('_meta.error_response', () => {
  it('replaces the body of a refusal, keeping its status and headers', async () => {
    const result = await runPhase('access', chain(401, { error_response: 'no' }), context());
    expect(result).toEqual({ status: 401, body: 'no', headers: { 'www-authenticate': 'Basic' } });
    const object = await runPhase('access', chain(403, { error_response: { m: 1 } }), context());
    expect(object?.body).toEqual({ m: 1 });
  });

  it('leaves answers below 400 and plugins without it alone', async () => {
    const ok = await runPhase('access', chain(302, { error_response: 'no' }), context());
    expect(ok?.body).toEqual({ message: 'plugin text' });
    const plain = await runPhase('access', chain(401, {}), context());
    expect(plain?.body).toEqual({ message: 'plugin text' });
  });
});
