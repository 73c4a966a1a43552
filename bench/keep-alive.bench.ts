/**
 * Server CPU per keep-alive request with node:http's own keep-alive timeout and with
 * `manageKeepAlive` (issue 9, item 9): a trivial server in its own process, built as the
 * gateway's listener is, reports its CPU time for REQUESTS requests over CONCURRENCY kept-alive
 * connections. Alternating rounds spread machine noise.
 *   pnpm bench keep-alive
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Agent, request } from 'undici';
import { freePort, waitForPort } from '@tollgate/testkit';
import { printTable, runLoad } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CORE = path.resolve(__dirname, '../packages/core/dist/index.js');

/** argv: port, mode (`node` or `managed`); answers each IPC message with its CPU time in µs. */
const SERVER = `
const http = require('node:http');
const { guardHttpServer, manageKeepAlive, MAX_HEADER_BYTES } = require(${JSON.stringify(CORE)});
const [port, mode] = process.argv.slice(1);
const server = guardHttpServer(http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
  res.end('ok');
}));
if (mode === 'managed') manageKeepAlive(server, { advertisedMs: 60000, graceMs: 5000 });
else server.keepAliveTimeout = 60000;
server.listen(Number(port), '127.0.0.1');
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send(user + system);
});
`;

async function startServer(mode: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', SERVER, String(port), mode], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await waitForPort(port);
  return { port, child };
}

function cpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (micros) => resolve(Number(micros)));
    child.send('cpu');
  });
}

async function measure(mode: string): Promise<Record<string, string | number>> {
  const { port, child } = await startServer(mode);
  const dispatcher = new Agent({ connections: CONCURRENCY });
  const url = `http://127.0.0.1:${port}/`;
  const call = async () => {
    const res = await request(url, { dispatcher });
    await res.body.dump();
    return res.statusCode === 200;
  };
  await runLoad(2_000, CONCURRENCY, call); // warm-up, and every connection opened
  const before = await cpuMicros(child);
  const result = await runLoad(REQUESTS, CONCURRENCY, call);
  const after = await cpuMicros(child);
  await dispatcher.close();
  child.kill();
  return {
    'keep-alive': mode,
    requests: result.requests,
    errors: result.errors,
    'server cpu µs/req': (after - before) / result.requests,
    'req/s': result.perSecond,
  };
}

async function main() {
  const rows: Record<string, string | number>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rows.push(await measure('node'), await measure('managed'));
  }
  printTable(rows);
}

void main();
