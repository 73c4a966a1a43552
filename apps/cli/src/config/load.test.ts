/**
 * Issue 9: `apisix.disable_upstream_healthcheck` (item 8) is read from the config file, not
 * reported as an unsupported key, and refused when it is not a boolean; `${{NAME}}` substitution
 * finds only variables that are set, never an Object.prototype member. Issue 10: the `plugins`
 * allow list and `plugin_attr` blocks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnv, type TollgateEnv } from '@tollgate/core';
import { resolveAdminKeys } from '../admin-key';
import { MAX_DEPTH, resolveEnvVars } from './env-vars';
import { parseConfig } from './load';
import type { TollgateConfig } from './types';

/** No TOLLGATE_* overrides and no environment variables. */
const NO_ENV: TollgateEnv = readEnv({});
const parse = (text: string) => parseConfig(text, 'test.yaml', NO_ENV, {});

describe('apisix.disable_upstream_healthcheck', () => {
  it('defaults to false', () => {
    expect(parse('').disableUpstreamHealthcheck).toBe(false);
    expect(parse('apisix:\n  enable_admin: true\n').disableUpstreamHealthcheck).toBe(false);
  });

  it('is read as a supported key', () => {
    const config = parse('apisix:\n  disable_upstream_healthcheck: true\n');
    expect(config.disableUpstreamHealthcheck).toBe(true);
    expect(config.unsupportedKeys).toEqual([]);
    expect(
      parse('apisix:\n  disable_upstream_healthcheck: false\n').disableUpstreamHealthcheck,
    ).toBe(false);
  });

  it('must be a boolean', () => {
    expect(() => parse('apisix:\n  disable_upstream_healthcheck: "yes"\n')).toThrow(
      'invalid config file test.yaml: apisix.disable_upstream_healthcheck: must be boolean (got "yes")',
    );
  });
});

describe('issue 10: plugins and plugin_attr', () => {
  it('enables every plugin when `plugins` is absent', () => {
    expect(parse('').plugins).toBeUndefined();
    expect(parse('').pluginAttr).toEqual({});
  });

  it('reads the allow list and each plugin_attr block as supported keys', () => {
    const config = parse(
      'plugins:\n  - key-auth\n  - cors\nplugin_attr:\n  opentelemetry:\n    resource:\n      service.name: gw\n',
    );
    expect(config.plugins).toEqual(['key-auth', 'cors']);
    expect(config.pluginAttr).toEqual({ opentelemetry: { resource: { 'service.name': 'gw' } } });
    expect(config.unsupportedKeys).toEqual([]);
  });

  it('refuses names Tollgate does not have, repeated names and non-mapping blocks', () => {
    expect(() => parse('plugins:\n  - key-auth\n  - kafka-proxy\n  - nope\n')).toThrow(
      'invalid config file test.yaml: plugins: unknown plugin [kafka-proxy], [nope]',
    );
    expect(() => parse('plugins:\n  - cors\n  - cors\n')).toThrow(
      /plugins: must NOT have duplicate items/,
    );
    expect(() => parse('plugin_attr:\n  opentelemetry: 3\n')).toThrow(
      /plugin_attr\.opentelemetry: must be object/,
    );
  });
});

describe('${{NAME}} substitution', () => {
  it('treats Object.prototype names as unset variables', () => {
    expect(() =>
      parseConfig('tollgate:\n  data_dir: ${{constructor}}\n', 'test.yaml', NO_ENV, {}),
    ).toThrow(
      'invalid config file test.yaml: environment variable constructor is not set (referenced as ${{constructor}})',
    );
    const config = parseConfig(
      'tollgate:\n  data_dir: ${{toString:=/tmp/x}}\n',
      'test.yaml',
      NO_ENV,
      {},
    );
    expect(config.dataDir).toBe('/tmp/x');
  });
});

/** The file the README starts Tollgate with. */
const EXAMPLE = path.resolve(__dirname, '../../../../deploy/conf/config.example.yaml');

/** parseConfig as `tollgate start -c EXAMPLE` runs it, with exactly these variables set. */
function loadExample(vars: Record<string, string>): TollgateConfig {
  return parseConfig(fs.readFileSync(EXAMPLE, 'utf8'), EXAMPLE, readEnv(vars), vars);
}

describe('issue 9: deploy/conf/config.example.yaml loads as shipped', () => {
  it('with only TOLLGATE_ADMIN_KEY set', () => {
    const config = loadExample({ TOLLGATE_ADMIN_KEY: 'abc' });
    expect(config.admin.keys).toEqual([{ name: 'admin', key: 'abc', role: 'admin' }]);
    expect(config.etcd).toEqual({
      hosts: ['http://127.0.0.1:2379'],
      prefix: '/apisix',
      timeoutSeconds: 30,
      user: undefined,
      password: undefined,
    });
    expect(config.admin.listen).toEqual({ ip: '127.0.0.1', port: 9180 });
    expect(config.unsupportedKeys).toEqual([]);
  });

  it('with nothing set: the admin key is generated, the viewer entry is left out', () => {
    const config = loadExample({});
    expect(config.admin.keys).toEqual([{ name: 'admin', key: '', role: 'admin' }]);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-example-'));
    try {
      const { keys } = resolveAdminKeys(config.admin.keys, dataDir);
      expect(keys).toEqual([
        { name: 'admin', key: expect.stringMatching(/^[0-9a-f]{32}$/), role: 'admin' },
      ]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('with TOLLGATE_VIEWER_KEY set: a generated admin key and that viewer key', () => {
    expect(loadExample({ TOLLGATE_VIEWER_KEY: 'look' }).admin.keys).toEqual([
      { name: 'admin', key: '', role: 'admin' },
      { name: 'viewer', key: 'look', role: 'viewer' },
    ]);
  });
});

describe('issue 9: ${{NAME}} in values, as APISIX resolve_conf_var', () => {
  it('ignores references in comments', () => {
    const config = parseConfig(
      '# set ${{NOT_SET}} first\ntollgate:\n  # ${{ALSO_NOT_SET}}\n  data_dir: /tmp/c # ${{NOR_THIS}}\n',
      'test.yaml',
      NO_ENV,
      {},
    );
    expect(config.dataDir).toBe('/tmp/c');
  });

  it('replaces references inside a value, each one, with defaults trimmed', () => {
    const config = parseConfig(
      'tollgate:\n  data_dir: /srv/${{SITE}}/${{ TIER := blue }}/${{SITE}}\n',
      'test.yaml',
      NO_ENV,
      { SITE: 'eu' },
    );
    expect(config.dataDir).toBe('/srv/eu/blue/eu');
  });

  it('turns a substituted number or true/false into that type, even when quoted', () => {
    const config = parseConfig(
      [
        'apisix:',
        '  enable_control: "${{CONTROL}}"',
        '  node_listen: ${{PORT}}',
        'deployment:',
        '  admin:',
        '    admin_listen:',
        "      port: '${{ADMIN_PORT:=9181}}'",
        'nginx_config:',
        '  worker_processes: ${{WORKERS:=auto}}',
      ].join('\n'),
      'test.yaml',
      NO_ENV,
      { CONTROL: 'false', PORT: '9081' },
    );
    expect(config.control.enabled).toBe(false);
    expect(config.nodeListen).toEqual([{ ip: '0.0.0.0', port: 9081 }]);
    expect(config.admin.listen.port).toBe(9181);
    expect(config.workerProcesses).toBeGreaterThanOrEqual(1);
  });

  it('converts as Lua tonumber does, and only whole values', () => {
    expect(
      resolveEnvVars(
        { a: '${{N}}', b: 'v${{N}}', c: '${{H}}', d: '${{T}}', e: '${{E}}', f: '1.5e2' },
        { N: '12', H: '0x10', T: 'true', E: '' },
        {},
      ),
    ).toEqual({ a: 12, b: 'v12', c: 16, d: true, e: '', f: '1.5e2' });
  });

  it('keeps the text where Tollgate reads a string (a key 0123 stays 0123)', () => {
    const config = parseConfig(
      [
        'deployment:',
        '  admin:',
        '    admin_key:',
        '      - { name: admin, key: "${{KEY}}", role: admin }',
        '  etcd:',
        "    host: ['http://127.0.0.1:2379']",
        '    password: ${{PASSWORD}}',
      ].join('\n'),
      'test.yaml',
      NO_ENV,
      { KEY: '0123', PASSWORD: 'true' },
    );
    expect(config.admin.keys).toEqual([{ name: 'admin', key: '0123', role: 'admin' }]);
    expect(config.etcd?.password).toBe('true');
  });

  it('never substitutes keys', () => {
    expect(resolveEnvVars({ '${{K}}': '${{K}}' }, { K: 'x' }, {})).toEqual({ '${{K}}': 'x' });
  });

  it('names the key of a variable that is not set, and refuses malformed references', () => {
    expect(() =>
      parseConfig('deployment:\n  etcd:\n    host: ["${{ETCD}}"]\n', 'test.yaml', NO_ENV, {}),
    ).toThrow(
      'invalid config file test.yaml: environment variable ETCD is not set (referenced as ${{ETCD}}) at deployment.etcd.host[0]',
    );
    expect(() =>
      parseConfig('tollgate:\n  data_dir: ${{DIR:-/tmp}}\n', 'test.yaml', NO_ENV, { DIR: 'x' }),
    ).toThrow(
      'invalid config file test.yaml: tollgate.data_dir: ${{DIR:-/tmp}} is not a reference: use ${{NAME}} or ${{NAME:=default}}',
    );
  });

  it('copies own keys only: a __proto__ key stays a plain key', () => {
    const tree = JSON.parse('{"__proto__": {"polluted": "${{X}}"}}') as unknown;
    const resolved = resolveEnvVars(tree, { X: 'yes' }, {}) as Record<string, unknown>;
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(resolved, '__proto__')?.value).toEqual({
      polluted: 'yes',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`refuses values nested deeper than ${MAX_DEPTH} levels instead of recursing`, () => {
    const depth = MAX_DEPTH + 10;
    expect(() =>
      parseConfig(`tollgate: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'test.yaml', NO_ENV, {}),
    ).toThrow(`nested deeper than ${MAX_DEPTH} levels`);
  });
});

describe('deployment.admin.admin_key entries with an empty key', () => {
  it('keeps an empty or null admin key (generated at start) and leaves a viewer out', () => {
    const config = parse(
      [
        'deployment:',
        '  admin:',
        '    admin_key:',
        '      - { name: a, key: "", role: admin }',
        '      - { name: b, key: null, role: admin }',
        '      - { name: c, role: viewer }',
        '      - { name: d, key: "", role: viewer }',
        '      - { name: e, key: k, role: viewer }',
      ].join('\n'),
    );
    expect(config.admin.keys).toEqual([
      { name: 'a', key: '', role: 'admin' },
      { name: 'b', key: '', role: 'admin' },
      { name: 'e', key: 'k', role: 'viewer' },
    ]);
  });
});

describe('deployment.role_<role>.config_provider (issue 15: standalone modes)', () => {
  it('etcd, or nothing, is not standalone', () => {
    expect(parse('').standalone).toBeUndefined();
    expect(
      parse('deployment:\n  role_traditional:\n    config_provider: etcd\n').standalone,
    ).toBeUndefined();
  });

  it('yaml on traditional is API-driven; yaml or json on data_plane reads a file beside config.yaml', () => {
    expect(
      parse('deployment:\n  role_traditional:\n    config_provider: yaml\n').standalone,
    ).toEqual({ mode: 'api' });
    const file = parse(
      'deployment:\n  role: data_plane\n  role_data_plane:\n    config_provider: json\n',
    ).standalone;
    expect(file).toEqual({ mode: 'file', format: 'json', file: path.resolve('apisix.json') });
    const chosen = parse(
      'deployment:\n  role: data_plane\n  role_data_plane:\n    config_provider: yaml\n    config_file: /etc/t/a.yaml\n',
    );
    expect(chosen.standalone).toEqual({ mode: 'file', format: 'yaml', file: '/etc/t/a.yaml' });
    expect(chosen.unsupportedKeys).toEqual([]);
  });

  it('refuses xds and json on traditional, naming the key', () => {
    expect(() =>
      parse('deployment:\n  role: data_plane\n  role_data_plane:\n    config_provider: xds\n'),
    ).toThrow(/deployment\.role_data_plane\.config_provider/);
    expect(() => parse('deployment:\n  role_traditional:\n    config_provider: json\n')).toThrow(
      /deployment\.role_traditional\.config_provider/,
    );
  });
});
