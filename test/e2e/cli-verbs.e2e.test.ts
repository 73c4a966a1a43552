/**
 * Issue 15 item 2: APISIX's CLI verbs as users type them against real `tollgate` processes:
 * `version` and `test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, runTollgate } from '@tollgate/testkit';

jest.setTimeout(20_000);

const ADMIN_KEY = 'cli-verbs-key-3c9e';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cli-verbs-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A config on the embedded store with every listener on a free loopback port. */
async function writeConfig(): Promise<{ file: string; gatewayPort: number; adminPort: number }> {
  const gatewayPort = await freePort();
  const adminPort = await freePort();
  const config = {
    apisix: {
      node_listen: [{ ip: '127.0.0.1', port: gatewayPort }],
      control: { ip: '127.0.0.1', port: await freePort() },
      ssl: { listen: [{ ip: '127.0.0.1', port: await freePort() }] },
    },
    nginx_config: { worker_processes: 1 },
    deployment: {
      admin: {
        admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
        admin_listen: { ip: '127.0.0.1', port: adminPort },
      },
    },
    plugin_attr: { prometheus: { export_addr: { ip: '127.0.0.1', port: await freePort() } } },
    tollgate: { data_dir: path.join(dir, 'data') },
  };
  const file = path.join(dir, 'config.yaml');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return { file, gatewayPort, adminPort };
}

it('version and --version print the same line', async () => {
  const verb = await runTollgate(['version']);
  const flag = await runTollgate(['--version']);
  expect(verb.code).toBe(0);
  expect(verb.stdout).toMatch(/^tollgate \d+\.\d+\.\d+\n$/);
  expect(verb.stdout).toBe(flag.stdout);
  const help = await runTollgate(['test', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: tollgate test \[-c FILE\]/);
});

it('test accepts a good config and reports the key path of a bad one', async () => {
  const { file } = await writeConfig();
  const good = await runTollgate(['test', '-c', file]);
  expect(good).toEqual({ code: 0, stdout: 'configuration test is successful\n', stderr: '' });
  fs.writeFileSync(file, 'deployment:\n  admin:\n    admin_listen:\n      port: "x"\n');
  const bad = await runTollgate(['test', '-c', file]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toBe('');
  expect(bad.stderr).toContain(
    `invalid config file ${file}: deployment.admin.admin_listen.port: must be integer (got "x")`,
  );
});

it('test checks the apisix.yaml of standalone file mode', async () => {
  const file = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    file,
    'deployment:\n  role: data_plane\n  role_data_plane:\n    config_provider: yaml\n',
  );
  fs.writeFileSync(path.join(dir, 'apisix.yaml'), 'routes:\n  - id: r1\n    uri: 42\n#END\n');
  const bad = await runTollgate(['test', '-c', file]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/apisix\.yaml|uri/);
});
