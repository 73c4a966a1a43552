import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '../context/request-context';
import { definePlugin, exit } from './define-plugin';
import { bindPlugins } from './instance';
import { PluginCrashError, runLogPhase, runPhase } from './runner';

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

describe('synchronous phases (issue 14)', () => {
  const seen: string[] = [];
  const plugin = (name: string, priority: number, access: () => unknown, log?: () => unknown) =>
    definePlugin<object>({
      name,
      version: '0.1',
      priority,
      access: access as never,
      ...(log ? { log: log as never } : {}),
    });

  function bound(...plugins: ReturnType<typeof plugin>[]) {
    const registry = new Map(plugins.map((p) => [p.name, p as never]));
    const confs = Object.fromEntries(plugins.map((p) => [p.name, {}]));
    return bindPlugins(confs, 'routes/1', registry, () => {
      throw new Error('unexpected bind error');
    });
  }

  beforeEach(() => (seen.length = 0));

  it('answers without a promise while every handler is synchronous', () => {
    const chain = bound(
      plugin('first', 2, () => void seen.push('first')),
      plugin('second', 1, () => exit(403, 'no')),
    );
    const result = runPhase('access', chain, context());
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual({ status: 403, body: 'no' });
    expect(seen).toEqual(['first']);
    expect(runPhase('access', bound(plugin('quiet', 1, () => undefined)), context())).toBe(
      undefined,
    );
  });

  it('goes on after an asynchronous handler with the rest of the chain, in order', async () => {
    const chain = bound(
      plugin('sync-a', 3, () => void seen.push('a')),
      plugin('async-b', 2, async () => {
        await new Promise((r) => setImmediate(r));
        seen.push('b');
      }),
      plugin('sync-c', 1, () => {
        seen.push('c');
        return exit(429, 'slow down');
      }),
    );
    const result = runPhase('access', chain, context());
    expect(result).toBeInstanceOf(Promise);
    expect(seen).toEqual(['a']);
    await expect(result).resolves.toEqual({ status: 429, body: 'slow down' });
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('turns a crash, synchronous or not, into a rejected PluginCrashError', async () => {
    const sync = runPhase(
      'access',
      bound(
        plugin('boom', 1, () => {
          throw new Error('sync boom');
        }),
      ),
      context(),
    );
    await expect(sync).rejects.toMatchObject({ plugin: 'boom', phase: 'access' });
    const later = runPhase(
      'access',
      bound(plugin('later', 1, () => Promise.reject(new Error('async boom')))),
      context(),
    );
    await expect(later).rejects.toBeInstanceOf(PluginCrashError);
  });

  it('runs the log phase synchronously unless a handler is asynchronous, reporting failures', async () => {
    const errors: string[] = [];
    const onError = (err: PluginCrashError) => errors.push(err.plugin);
    const logOnly = (name: string, priority: number, log: () => unknown) =>
      plugin(name, priority, () => undefined, log);
    const syncChain = bound(
      logOnly('l1', 2, () => void seen.push('l1')),
      logOnly('l2', 1, () => {
        throw new Error('log boom');
      }),
    );
    expect(runLogPhase(context(), [syncChain], onError)).toBeUndefined();
    expect(seen).toEqual(['l1']);
    expect(errors).toEqual(['l2']);

    seen.length = 0;
    errors.length = 0;
    const global = bound(logOnly('g', 1, () => Promise.reject(new Error('async log boom'))));
    const route = bound(
      logOnly('r1', 2, async () => {
        await new Promise((r) => setImmediate(r));
        seen.push('r1');
      }),
      logOnly('r2', 1, () => void seen.push('r2')),
    );
    const pending = runLogPhase(context(), [global, route], onError);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(errors).toEqual(['g']);
    expect(seen).toEqual(['r1', 'r2']);
  });
});
