/**
 * Standalone file mode (issue 15): a data plane with `config_provider: yaml` serves the
 * configuration of `apisix.yaml` — scenario 1, then scenario 2 — and follows its edits. Editing
 * the file under load, a change every 200 ms (some invalid, some half-written, some written in
 * two steps), fails no request and never applies a file that is not valid and complete.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  freePort,
  httpRequest,
  loopbackScenarioValues,
  scenarioText,
  sleep,
  startTollgate,
  waitFor,
  type TollgateNode,
} from '@tollgate/testkit';

const EDIT_SECONDS = Number(process.env.STANDALONE_EDIT_SECONDS ?? 30);
jest.setTimeout((EDIT_SECONDS + 90) * 1000);

const CHAT = { model: 'qwen', messages: [{ role: 'user', content: 'hello' }] };

let llm: MockLlm;
let dir: string;
let file: string;
let node: TollgateNode;
let port: number;

/** Write `doc` as apisix.yaml in one step (a rename, as editors and ConfigMaps do). */
function writeYaml(doc: Record<string, unknown>, end = true): void {
  const text = `${YAML.stringify(doc)}${end ? '#END\n' : ''}`;
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function scenario(name: string): Record<string, unknown> {
  const text = scenarioText(name, loopbackScenarioValues(llm.port)).replaceAll(
    'https://dashscope.aliyuncs.com/compatible-mode',
    llm.url,
  );
  return JSON.parse(text) as Record<string, unknown>;
}

const url = (p: string) => `http://127.0.0.1:${port}${p}`;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'standalone' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-standalone-'));
  file = path.join(dir, 'apisix.yaml');
  writeYaml({ routes: [scenario('scenario1-route.json')] });
  port = await freePort();
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port }] },
      nginx_config: { worker_processes: 2 },
      deployment: {
        role: 'data_plane',
        role_data_plane: { config_provider: 'yaml', config_file: file },
      },
    },
    readyPorts: [port],
  });
});
afterAll(async () => {
  await node?.destroy();
  await llm?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('serves scenario 1 from apisix.yaml, then scenario 2 once the file says so', async () => {
  await waitFor(
    'scenario 1',
    async () => (await httpRequest('POST', url('/anything'), { body: CHAT })).status === 200,
    15_000,
  );
  const consumer = scenario('scenario2-consumer-a.json');
  writeYaml({ routes: [scenario('scenario2-route.json')], consumers: [consumer] });
  // Scenario 2 authenticates: a request without a key is refused once the file is applied.
  await waitFor(
    'scenario 2',
    async () => (await httpRequest('POST', url('/anything'), { body: CHAT })).status === 401,
    15_000,
  );
  const key = ((consumer.plugins as Record<string, Record<string, string>>)['key-auth'] ?? {}).key;
  const served = await httpRequest('POST', url('/anything'), {
    body: CHAT,
    headers: { 'content-type': 'application/json', apikey: key ?? '' },
  });
  expect(served.status).toBe(200);
  expect(served.headers.get('x-ai-consumer-ratelimit-limit-qwen2.5-32b-instruct-b')).toBe('10000');
});

it('edits every 200 ms under load: no failed request, and only valid complete files applied', async () => {
  const upstream = { type: 'roundrobin', nodes: { [`127.0.0.1:${llm.port}`]: 1 } };
  /** Version `n`: the route answers with `x-version: n`. */
  const valid = (n: number) => ({
    routes: [
      {
        id: 'live',
        uri: '/v1/chat/completions',
        upstream,
        plugins: { 'response-rewrite': { headers: { set: { 'x-version': String(n) } } } },
      },
    ],
  });
  writeYaml(valid(0));
  await waitFor(
    'version 0',
    async () =>
      (await httpRequest('POST', url('/v1/chat/completions'), { body: CHAT })).headers.get(
        'x-version',
      ) === '0',
    15_000,
  );

  let stop = false;
  let sent = 0;
  const failures: string[] = [];
  const client = async () => {
    while (!stop) {
      const res = await httpRequest('POST', url('/v1/chat/completions'), { body: CHAT }).catch(
        (err: unknown) => ({ status: 0, text: String(err) }),
      );
      sent++;
      if (res.status !== 200) failures.push(`${res.status} ${res.text.slice(0, 100)}`);
    }
  };
  const clients = Array.from({ length: 4 }, client);

  // Each bad kind would break every request if it were applied, even in part.
  const dead = { type: 'roundrobin', nodes: { '127.0.0.1:1': 1 } };
  const kinds = ['valid', 'invalid', 'half-written', 'two-steps'] as const;
  let version = 0;
  let lastValid = 0;
  const edits = Math.floor((EDIT_SECONDS * 1000) / 200);
  for (let i = 0; i < edits; i++) {
    const kind = kinds[i % kinds.length];
    if (kind === 'valid') {
      lastValid = ++version;
      writeYaml(valid(lastValid));
    } else if (kind === 'invalid') {
      // The live route sent to a dead upstream, beside an item the checks refuse.
      writeYaml({
        routes: [{ id: 'live', uri: '/v1/chat/completions', upstream: dead }],
        upstreams: [{ id: 'bad', type: 'no-such-balancer', nodes: {} }],
      });
    } else if (kind === 'half-written') {
      // No #END: a file still being written, whose route was cut off.
      const text = `${YAML.stringify({ routes: [{ id: 'other', uri: '/other', upstream }] })}`;
      fs.writeFileSync(file, text);
    } else {
      // Written in place in two steps: the first half has no #END and is never read.
      const text = `${YAML.stringify(valid(++version))}#END\n`;
      const half = Math.floor(text.length / 2);
      fs.writeFileSync(file, text.slice(0, half));
      await sleep(50);
      fs.writeFileSync(file, text);
      lastValid = version;
      await sleep(150);
      continue;
    }
    await sleep(200);
  }
  // End on a valid file; it is served once applied.
  lastValid = ++version;
  writeYaml(valid(lastValid));
  await waitFor(
    `version ${lastValid}`,
    async () =>
      (await httpRequest('POST', url('/v1/chat/completions'), { body: CHAT })).headers.get(
        'x-version',
      ) === String(lastValid),
    15_000,
  );
  stop = true;
  await Promise.all(clients);
  process.stdout.write(
    `standalone edits: ${edits} edits in ${EDIT_SECONDS} s, ${sent} requests, ${failures.length} failed\n`,
  );
  expect(sent).toBeGreaterThan(edits);
  expect(failures).toEqual([]);
});
