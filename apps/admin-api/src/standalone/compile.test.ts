import { createLogger } from '@tollgate/core';
import { DataEncryption } from '@tollgate/schema';
import { EnabledPlugins } from '../enabled-plugins';
import { compileStandalone, StandaloneConfigError } from './compile';

const options = {
  prefix: '/apisix',
  plugins: new EnabledPlugins(),
  streamProxy: false,
  encryption: new DataEncryption(),
  log: createLogger('standalone-test'),
};
const upstream = { type: 'roundrobin', nodes: { '127.0.0.1:1980': 1 } };

async function refusal(doc: Record<string, unknown>): Promise<string> {
  const err: unknown = await compileStandalone(doc, options).catch((e: unknown) => e);
  if (!(err instanceof StandaloneConfigError)) throw new Error(`not refused: ${String(err)}`);
  return err.message;
}

describe('compileStandalone', () => {
  it('turns a whole configuration into the keys the Admin API would have written', async () => {
    const entries = await compileStandalone(
      {
        routes: [{ id: 'r1', uri: '/r1', upstream_id: 'u1', plugins: { 'key-auth': {} } }],
        upstreams: [{ id: 'u1', ...upstream, modifiedIndex: 3 }],
        consumers: [
          { username: 'jack' },
          { id: 'jack/credentials/a', plugins: { 'key-auth': { key: 'auth-a' } } },
        ],
        plugin_metadata: [{ id: 'file-logger', log_format: { host: '$host' } }],
        routes_conf_version: 3,
      },
      options,
    );
    expect([...entries.keys()].sort()).toEqual([
      '/apisix/consumers/jack',
      '/apisix/consumers/jack/credentials/a',
      '/apisix/plugin_metadata/file-logger',
      '/apisix/routes/r1',
      '/apisix/upstreams/u1',
    ]);
    const route = JSON.parse(entries.get('/apisix/routes/r1') ?? '{}') as Record<string, unknown>;
    expect(route).toEqual({ id: 'r1', uri: '/r1', upstream_id: 'u1', plugins: { 'key-auth': {} } });
    expect(entries.get('/apisix/upstreams/u1')).not.toContain('modifiedIndex');
  });

  it("refuses the whole configuration at the first bad item, with APISIX's message", async () => {
    expect(await refusal({ routes: [{ id: 'r1', uri: 123, upstream }] })).toMatch(
      /^invalid routes at index 0, err: /,
    );
    expect(await refusal({ routes: [{ id: 'r1', uri: '/a', upstream_id: 'missing' }] })).toBe(
      'invalid routes at index 0, err: failed to fetch upstream info by upstream id [missing], response code: 404',
    );
    expect(await refusal({ routes: [{ uri: '/a', upstream }] })).toBe(
      'invalid routes at index 0, err: missing routes id',
    );
    expect(
      await refusal({
        routes: [
          { id: 'r1', uri: '/a', upstream },
          { id: 'r1', uri: '/b', upstream },
        ],
      }),
    ).toBe('found duplicate id r1 in routes');
    expect(await refusal({ consumers: [{ username: 'a' }, { username: 'a' }] })).toBe(
      'found duplicate username a in consumers',
    );
    expect(await refusal({ routes: { id: 'r1' } })).toBe('invalid routes: must be an array');
    expect(await refusal({ routes: [{ id: '__proto__', uri: '/a', upstream }] })).toMatch(
      /invalid routes at index 0/,
    );
  });
});
