/**
 * Issue 15 item 2: `tollgate test` checks config.yaml and, in standalone file mode, the
 * apisix.yaml it names, and reports the first error with its key path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testConfig } from './config-test';
import { initConfig, STARTER_CONFIG } from './init';

let dir: string;
const file = (name: string, text: string): string => {
  const target = path.join(dir, name);
  fs.writeFileSync(target, text);
  return target;
};
const dataPlane = (provider: string): string =>
  `deployment:\n  role: data_plane\n  role_data_plane:\n    config_provider: ${provider}\ntollgate:\n  data_dir: ${dir}/data\n`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-config-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('testConfig', () => {
  it('accepts a valid config.yaml', async () => {
    expect(await testConfig(file('config.yaml', 'apisix:\n  node_listen: 9080\n'))).toBeUndefined();
  });

  it('names the key path of a bad value', async () => {
    const error = await testConfig(file('config.yaml', 'apisix:\n  node_listen: "x"\n'));
    expect(error).toBe(
      `invalid config file ${dir}/config.yaml: apisix.node_listen: must be integer (got "x")`,
    );
  });

  it('reports a config file that cannot be read', async () => {
    expect(await testConfig(path.join(dir, 'missing.yaml'))).toMatch(/cannot read it: ENOENT/);
  });

  it('checks the apisix.yaml of standalone file mode', async () => {
    const config = file('config.yaml', dataPlane('yaml'));
    const upstream = 'upstream:\n      type: roundrobin\n      nodes:\n        "127.0.0.1:1980": 1';
    file('apisix.yaml', `routes:\n  - id: r1\n    uri: /hello\n    ${upstream}\n#END\n`);
    expect(await testConfig(config)).toBeUndefined();
    file('apisix.yaml', `routes:\n  - id: r1\n    uri: /hello\n    ${upstream}\n`);
    expect(await testConfig(config)).toMatch(/does not end with a line #END/);
    file('apisix.yaml', 'routes:\n  - id: r1\n    uri: 42\n#END\n');
    expect(await testConfig(config)).toMatch(/uri/);
  });

  it('checks apisix.json when config_provider is json', async () => {
    const config = file('config.yaml', dataPlane('json'));
    expect(await testConfig(config)).toMatch(/cannot read .*apisix\.json: ENOENT/);
    file('apisix.json', '{"routes": [');
    expect(await testConfig(config)).toMatch(/cannot parse .*apisix\.json/);
  });
});

describe('initConfig', () => {
  it('writes a starter config that testConfig accepts, and keeps an existing one', async () => {
    const target = path.join(dir, 'conf', 'config.yaml');
    expect(initConfig(target, { force: false })).toBe(target);
    expect(fs.readFileSync(target, 'utf8')).toBe(STARTER_CONFIG);
    expect(await testConfig(target)).toBeUndefined();
    fs.writeFileSync(target, 'mine\n');
    expect(() => initConfig(target, { force: false })).toThrow(
      `${target} already exists (use --force to overwrite it)`,
    );
    expect(fs.readFileSync(target, 'utf8')).toBe('mine\n');
    initConfig(target, { force: true });
    expect(fs.readFileSync(target, 'utf8')).toBe(STARTER_CONFIG);
  });
});
