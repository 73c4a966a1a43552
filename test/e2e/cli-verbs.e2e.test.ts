/**
 * Issue 15 item 2: APISIX's CLI verbs as users type them against real `tollgate` processes:
 * `version`, `test`, `init`, and `quit` / `stop` through `<data_dir>/tollgate.pid`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  runTollgate,
  TOLLGATE_BIN,
  waitFor,
} from '@tollgate/testkit';

jest.setTimeout(20_000);

const ADMIN_KEY = 'cli-verbs-key-3c9e';

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cli-verbs-'));
});
afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Node {
  child: ChildProcess;
  exited: Promise<number | string | null>;
  gatewayPort: number;
  adminPort: number;
}

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

const pidFile = () => path.join(dir, 'data', 'tollgate.pid');

/** `tollgate start -c file`, ready once its pid file names it. */
async function startNode(file: string, ports: { gatewayPort: number; adminPort: number }) {
  const child = spawn(process.execPath, [TOLLGATE_BIN, 'start', '-c', file], {
    cwd: dir,
    stdio: 'ignore',
  });
  children.push(child);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  await waitFor(
    'the pid file',
    () => fs.existsSync(pidFile()) && fs.readFileSync(pidFile(), 'utf8').trim() === `${child.pid}`,
    15_000,
  );
  return { child, exited, ...ports } satisfies Node;
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

it('init writes conf/config.yaml that test accepts, and keeps it without --force', async () => {
  const env = { TOLLGATE_CONFIG: '' };
  const first = await runTollgate(['init'], { cwd: dir, env });
  expect(first.code).toBe(0);
  expect(fs.existsSync(path.join(dir, 'conf', 'config.yaml'))).toBe(true);
  expect((await runTollgate(['test'], { cwd: dir, env })).stdout).toBe(
    'configuration test is successful\n',
  );
  const again = await runTollgate(['init'], { cwd: dir, env });
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('conf/config.yaml already exists (use --force to overwrite it)');
  expect((await runTollgate(['init', '--force'], { cwd: dir, env })).code).toBe(0);
});

/** Routes the node to `mock` and sends a request the mock answers after 1.5 s. */
async function slowRequest(node: Node, mock: MockLlm) {
  const admin = new AdminClient(`http://127.0.0.1:${node.adminPort}`, ADMIN_KEY);
  const route = {
    uri: '/v1/chat/completions',
    upstream: { nodes: { [`127.0.0.1:${mock.port}`]: 1 }, type: 'roundrobin' },
  };
  expect((await admin.put('/apisix/admin/routes/slow', route)).status).toBe(201);
  const url = `http://127.0.0.1:${node.gatewayPort}/v1/chat/completions`;
  const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  await waitFor('the route', async () => (await httpRequest('POST', url, { body })).status === 200);
  const seen = mock.requests.filter((r) => r.headers['x-mock-delay-ms']).length;
  const slow = httpRequest('POST', url, { body, headers: { 'X-Mock-Delay-Ms': '1500' } }).then(
    (res) => res.status,
    () => 'cut',
  );
  await waitFor(
    'the slow request',
    () => mock.requests.filter((r) => r.headers['x-mock-delay-ms']).length > seen,
  );
  return { answer: slow };
}

describe('with a running node', () => {
  let mock: MockLlm;
  beforeAll(async () => {
    mock = await startMockLlm({ name: 'slow' });
  });
  afterAll(() => mock.close());

  it('quit drains an in-flight request, removes the pid file; a second start is refused', async () => {
    const { file, ...ports } = await writeConfig();
    const node = await startNode(file, ports);

    const twice = await runTollgate(['start', '-c', file], { cwd: dir });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`tollgate is already running on ${path.join(dir, 'data')}`);

    const { answer } = await slowRequest(node, mock);
    const quit = await runTollgate(['quit', '-c', file]);
    expect(quit.code).toBe(0);
    expect(quit.stdout).toBe(`tollgate (pid ${node.child.pid}) has exited\n`);
    expect(await answer).toBe(200);
    expect(await node.exited).toBe(0);
    expect(fs.existsSync(pidFile())).toBe(false);

    const again = await runTollgate(['quit', '-c', file]);
    expect(again).toMatchObject({ code: 1, stderr: 'tollgate is not running\n' });
  });

  it('stop cuts an in-flight request and exits at once; a stale pid file is replaced', async () => {
    const { file, ...ports } = await writeConfig();
    expect(await runTollgate(['stop', '-c', file])).toMatchObject({
      code: 1,
      stderr: 'tollgate is not running\n',
    });
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    // A pid that no longer runs: a node killed without clean-up.
    fs.writeFileSync(pidFile(), '999999999\n');
    const node = await startNode(file, ports);
    const { answer } = await slowRequest(node, mock);
    const stop = await runTollgate(['stop', '-c', file]);
    expect(stop.code).toBe(0);
    // The second signal: exit 1 without waiting for the request, which is cut.
    expect(await node.exited).toBe(1);
    expect(await answer).toBe('cut');
    expect(fs.existsSync(pidFile())).toBe(false);
  });
});
