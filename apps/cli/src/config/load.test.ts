/**
 * Issue 9: `apisix.disable_upstream_healthcheck` (item 8) is read from the config file, not
 * reported as an unsupported key, and refused when it is not a boolean; `${{NAME}}` substitution
 * finds only variables that are set, never an Object.prototype member.
 */
import type { TollgateEnv } from '@tollgate/core';
import { parseConfig } from './load';

/** No TOLLGATE_* overrides and no environment variables. */
const NO_ENV: TollgateEnv = {
  logLevel: 'info',
  logFormat: 'json',
  configFile: undefined,
  dataDir: undefined,
  adminKey: undefined,
  etcdHost: undefined,
  etcdPrefix: undefined,
};
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
