/**
 * The stream phase with the node's local counters: ip-restriction's verdict on the client
 * address, limit-conn keyed on a stream variable or a combination of them (counted out on
 * release), and the data plane's load of an APISIX-written stream route (plugins without a
 * stream variant skipped, the rest defaults-filled).
 */
import { createLogger } from '@tollgate/core';
import { LocalCounterStore } from '@tollgate/limiter';
import { checkPluginConf } from '@tollgate/schema';
import { validateItem } from '../config/validate-item';
import { StreamPlugins } from './stream-plugins';
import type { CompiledStreamRoute, StreamVars } from './stream-routes';

const store = new LocalCounterStore();
const plugins = new StreamPlugins(store, createLogger('stream-plugins-test'));

afterAll(() => store.close());

function route(id: string, conf: Record<string, Record<string, unknown>>): CompiledStreamRoute {
  return {
    id,
    key: `stream_routes/${id}`,
    plugins: Object.entries(conf).map(([name, c]) => {
      const checked = checkPluginConf(name, c, 'route');
      if (!checked.valid) throw new Error(checked.message);
      return { name, conf: checked.value as Record<string, unknown> };
    }),
  };
}

const vars = (remote: string, port = 40000): StreamVars => ({
  remote_addr: remote,
  remote_port: port,
  server_addr: '127.0.0.1',
  server_port: 9100,
});

describe('StreamPlugins.preread', () => {
  it('ip-restriction: whitelist and blacklist with CIDRs', async () => {
    const white = route('w', { 'ip-restriction': { whitelist: ['10.0.0.0/8'] } });
    expect(typeof (await plugins.preread(white, vars('10.1.2.3')))).toBe('function');
    expect(await plugins.preread(white, vars('192.0.2.1'))).toBe('refused');
    const black = route('b', { 'ip-restriction': { blacklist: ['192.0.2.0/24'] } });
    expect(await plugins.preread(black, vars('192.0.2.9'))).toBe('refused');
    expect(typeof (await plugins.preread(black, vars('198.51.100.1')))).toBe('function');
  });

  it('limit-conn: counts per key, refuses beyond conn + burst, counts out on release', async () => {
    const limited = route('l', {
      'limit-conn': { conn: 1, burst: 0, default_conn_delay: 0.1, key: 'remote_addr' },
    });
    const first = await plugins.preread(limited, vars('10.0.0.1'));
    expect(typeof first).toBe('function');
    expect(await plugins.preread(limited, vars('10.0.0.1'))).toBe('refused');
    const other = await plugins.preread(limited, vars('10.0.0.2'));
    expect(typeof other).toBe('function');
    if (typeof first === 'function') first();
    // The release is asynchronous on a shared store: wait for the count to drop.
    let again = await plugins.preread(limited, vars('10.0.0.1'));
    for (let i = 0; i < 50 && again === 'refused'; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      again = await plugins.preread(limited, vars('10.0.0.1'));
    }
    expect(typeof again).toBe('function');
  });

  it('limit-conn var_combination: one count per address and port pair', async () => {
    const limited = route('c', {
      'limit-conn': {
        conn: 1,
        burst: 0,
        default_conn_delay: 0.1,
        key: '$remote_addr:$remote_port',
        key_type: 'var_combination',
      },
    });
    expect(typeof (await plugins.preread(limited, vars('10.0.0.5', 1)))).toBe('function');
    expect(typeof (await plugins.preread(limited, vars('10.0.0.5', 2)))).toBe('function');
    expect(await plugins.preread(limited, vars('10.0.0.5', 1))).toBe('refused');
  });
});

describe('loading a stream route written by APISIX', () => {
  it('skips plugins without a stream variant and fills defaults of the others', () => {
    const loaded = validateItem(
      'stream_routes/1',
      JSON.stringify({
        server_port: 9100,
        plugins: {
          'mqtt-proxy': { protocol_name: 'MQTT', protocol_level: 4 },
          'limit-conn': { conn: 1, burst: 0, default_conn_delay: 0.1, key: 'remote_addr' },
        },
        upstream: { type: 'roundrobin', nodes: { '127.0.0.1:1980': 1 } },
      }),
    );
    expect(loaded.ok).toBe(true);
    const value = (loaded as { value: Record<string, unknown> }).value;
    expect(Object.keys(value.plugins as object)).toEqual(['limit-conn']);
    expect(value.plugins).toMatchObject({ 'limit-conn': { policy: 'local', key_type: 'var' } });
    expect(value.id).toBe('1');
  });

  it('refuses a stream plugin conf that fails its schema', () => {
    const loaded = validateItem(
      'stream_routes/2',
      JSON.stringify({ plugins: { 'limit-conn': { burst: 0 } } }),
    );
    expect(loaded.ok).toBe(false);
  });
});
