/**
 * Issue 14: a node's primary loads only its own work. The workers run the plugins (and their
 * libraries: OpenTelemetry, JOSE, AWS signing, the AI transport); the primary routes nothing, so
 * loading them there only grows its heap, and with it every collection of that heap. One import
 * of a package's main entry (`@tollgate/plugins`, or the gateway's worker modules) from the
 * primary's side is enough to pull all of them in: this test fails then.
 *
 * A real `tollgate start` (embedded store, one worker) serves a chat through ai-proxy; a preload
 * given with NODE_OPTIONS writes, as each process exits, the modules it loaded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { AdminClient, freePort, httpRequest, startTollgate } from '@tollgate/testkit';

jest.setTimeout(60_000);

const ADMIN_KEY = 'primary-footprint-admin-key';
const ROOT = path.join(__dirname, '..', '..');

/**
 * Writes `<dir>/<primary|worker>.json`: the files of the modules the process loaded, and whether
 * the package entries the plugins call into on every request kept V8's fast properties.
 */
const PRELOAD = `
const cluster = require('node:cluster');
require('node:v8').setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)');
process.on('exit', () => {
  const role = cluster.isPrimary ? 'primary' : 'worker';
  const fast = {};
  for (const name of ['core', 'ai', 'limiter']) {
    const entry = require.cache[require('node:path').join(process.env.FOOTPRINT_ROOT, 'packages', name, 'dist', 'index.js')];
    if (entry) fast[name] = hasFastProperties(entry.exports);
  }
  require('node:fs').writeFileSync(
    require('node:path').join(process.env.FOOTPRINT_DIR, role + '.json'),
    JSON.stringify({ modules: Object.keys(require.cache), fast }),
  );
});
`;

let dir: string;
let mock: MockLlm;
let loaded: Record<'primary' | 'worker', string[]>;
let workerEntriesFast: Record<string, boolean>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-footprint-'));
  const preload = path.join(dir, 'preload.js');
  fs.writeFileSync(preload, PRELOAD);
  mock = await startMockLlm({ name: 'footprint' });
  const [gatewayPort, adminPort] = [await freePort(), await freePort()];
  const node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
      nginx_config: { worker_processes: 1 },
      deployment: {
        role: 'traditional',
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    env: { NODE_OPTIONS: `--require ${preload}`, FOOTPRINT_DIR: dir, FOOTPRINT_ROOT: ROOT },
    readyPorts: [gatewayPort, adminPort],
  });
  try {
    const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
    const put = await admin.put('/apisix/admin/routes/chat', {
      uri: '/v1/chat/completions',
      plugins: {
        'ai-proxy': {
          provider: 'openai',
          auth: { header: { Authorization: 'Bearer token' } },
          override: { endpoint: `${mock.url}/v1/chat/completions` },
        },
      },
    });
    expect(put.status).toBe(201);
    const chat = await httpRequest('POST', `http://127.0.0.1:${gatewayPort}/v1/chat/completions`, {
      body: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(chat.status).toBe(200);
  } finally {
    await node.destroy();
  }
  const read = (role: string): { modules: string[]; fast: Record<string, boolean> } => {
    const seen = JSON.parse(fs.readFileSync(path.join(dir, `${role}.json`), 'utf8')) as {
      modules: string[];
      fast: Record<string, boolean>;
    };
    return { modules: seen.modules.map((f) => path.relative(ROOT, f)), fast: seen.fast };
  };
  const [primary, worker] = [read('primary'), read('worker')];
  loaded = { primary: primary.modules, worker: worker.modules };
  workerEntriesFast = worker.fast;
});

afterAll(async () => {
  await mock?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Whether `files` holds the plugin registry, the AI package or a plugin-only library. */
const pluginSide = (files: string[]) => ({
  registry: files.includes(path.join('packages', 'plugins', 'dist', 'index.js')),
  ai: files.includes(path.join('packages', 'ai', 'dist', 'index.js')),
  libraries: ['jose', '@opentelemetry/sdk-trace-base', '@smithy/signature-v4'].filter((name) =>
    files.some((f) => f.includes(`node_modules/${name}/`)),
  ),
});

test('the worker that served the chat loaded the plugins and their libraries', () => {
  expect(pluginSide(loaded.worker)).toEqual({
    registry: true,
    ai: true,
    libraries: ['jose', '@opentelemetry/sdk-trace-base', '@smithy/signature-v4'],
  });
});

test('the primary loaded none of them, only what it uses of the plugins', () => {
  expect(pluginSide(loaded.primary)).toEqual({ registry: false, ai: false, libraries: [] });
  const plugins = loaded.primary.filter((f) => f.startsWith(path.join('packages', 'plugins')));
  expect(plugins).toContain(path.join('packages', 'plugins', 'dist', 'primary.js'));
  // The primary's entry and what it imports: the metrics protocol, two small ai-proxy-multi
  // modules; a dozen at most, against the registry's two hundred.
  expect(plugins.length).toBeLessThanOrEqual(12);
});

// A re-export by name (`export { a } from './x'`) compiles to `exports.a = void 0` and a getter
// over it, which moves the whole exports object into V8's dictionary mode: every call of an
// imported function is then a hash lookup (21–25 ns a read of @tollgate/ai against 4.4–7). Read
// in the worker that served, after the load order and collections of a real process.
test("the worker's package entries kept fast properties", () => {
  expect(workerEntriesFast).toEqual({ core: true, ai: true, limiter: true });
});
