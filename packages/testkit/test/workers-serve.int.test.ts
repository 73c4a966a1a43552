/**
 * workersCaughtUp against a control API answering the states a node goes through: the check the
 * e2e tests wait on must say no until every worker holds the primary's revision.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { workersCaughtUp } from '../src';

let answer: { status: number; body: unknown } = { status: 200, body: {} };
const server = http.createServer((req, res) => {
  if (req.url !== '/status/config') return void res.writeHead(404).end();
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer.body));
});
let port: number;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const worker = (applied: number, listening = true) => ({
  pid: 1,
  listening,
  applied_revision: applied,
});
const status = (extra: Record<string, unknown>) => ({ loaded: true, revision: 7, ...extra });

it.each([
  ['every worker at the primary revision', status({ workers: [worker(7), worker(7)] }), true],
  [
    'a worker past it (a newer batch arrived meanwhile)',
    status({ workers: [worker(8), worker(7)] }),
    true,
  ],
  ['one worker behind', status({ workers: [worker(7), worker(6)] }), false],
  ['a worker not listening yet', status({ workers: [worker(7), worker(7, false)] }), false],
  ['no config loaded', status({ loaded: false, workers: [worker(7)] }), false],
  ['no workers reported', status({ workers: [] }), false],
  ['no workers field', status({}), false],
])('%s', async (_what, body, expected) => {
  answer = { status: 200, body };
  await expect(workersCaughtUp(port)).resolves.toBe(expected);
});

it('is false while the control API answers an error', async () => {
  answer = { status: 503, body: { error_msg: 'not ready' } };
  await expect(workersCaughtUp(port)).resolves.toBe(false);
});
