/**
 * Protocol conversion through a real gateway (issue 16): the added time and CPU per streamed
 * event when a stream is passed through (an OpenAI chat client on an OpenAI-compatible instance)
 * against the same upstream stream converted for an Anthropic client (`/v1/messages` on the same
 * instance), in one run. A Tollgate node with one worker is pinned to core 0; the mock LLM and
 * this driver share the other core(s). Requests are sequential (one connection), alternating the
 * routes in slices so both see the same machine; each also runs straight to the mock for the
 * baseline.
 *   pnpm bench protocol-conversion-gateway
 *   BENCH_EVENTS=200 (events per stream)  BENCH_SECONDS=6 (per route)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'undici';
import { startMockLlm } from '@tollgate/mock-llm';
import { AdminClient, freePort, startTollgate } from '@tollgate/testkit';
import { cpuMicros, percentile, pin, printTable, processTree } from './lib';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const SLICE_MS = 500;
const ADMIN_KEY = 'bench-conversion-admin-key';
const cores = os.cpus().length;

interface Mode {
  name: string;
  client: Client;
  path: string;
  body: string;
  times: number[];
  cpu: number;
  /** Streams that did not end with the protocol's terminator. */
  bad: number;
}

const OPENAI_BODY = JSON.stringify({
  model: 'qwen',
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
});
const ANTHROPIC_BODY = JSON.stringify({
  model: 'qwen',
  stream: true,
  max_tokens: EVENTS * 2,
  messages: [{ role: 'user', content: 'hi' }],
});

async function stream(mode: Mode, terminator: string): Promise<void> {
  const started = process.hrtime.bigint();
  const res = await mode.client.request({
    method: 'POST',
    path: mode.path,
    headers: { 'content-type': 'application/json' },
    body: mode.body,
  });
  const text = await res.body.text();
  mode.times.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (res.statusCode !== 200 || !text.includes(terminator)) mode.bad++;
}

async function main() {
  // Four characters make one token, one event: EVENTS content events per stream.
  const llm = await startMockLlm({ behaviour: { content: 'abcd'.repeat(EVENTS) } });
  const port = await freePort();
  const adminPort = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-conv-'));
  const node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port }], ssl: { enable: false } },
      nginx_config: {
        worker_processes: 1,
        http: { enable_access_log: true, access_log: path.join(dir, 'access.log') },
      },
      deployment: {
        role: 'traditional',
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    env: { TOLLGATE_LOG_LEVEL: 'warn' },
    readyPorts: [port, adminPort],
  });
  try {
    const pid = node.process.pid;
    if (pid === undefined) throw new Error('no tollgate pid');
    const gatewayPids = () => processTree(pid);
    if (cores > 1) {
      pin(gatewayPids(), '0');
      pin([process.pid], `1-${cores - 1}`);
    }
    const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
    const instance = {
      provider: 'openai-compatible',
      auth: { header: { Authorization: 'Bearer sk-bench' } },
      override: { endpoint: `${llm.url}/v1/chat/completions` },
    };
    for (const [id, uri] of [
      ['pass', '/pass/v1/chat/completions'],
      ['conv', '/conv/v1/messages'],
    ] as const) {
      const res = await admin.put(`/apisix/admin/routes/${id}`, {
        uri,
        plugins: { 'ai-proxy': instance },
      });
      if (res.status >= 300) throw new Error(`route ${id}: ${res.status} ${res.text}`);
    }
    const gateway = new Client(`http://127.0.0.1:${port}`);
    const direct = new Client(llm.url);
    const mode = (name: string, client: Client, p: string, body: string): Mode => ({
      name,
      client,
      path: p,
      body,
      times: [],
      cpu: 0,
      bad: 0,
    });
    const modes = {
      direct: mode(
        'straight to the mock (OpenAI stream)',
        direct,
        '/v1/chat/completions',
        OPENAI_BODY,
      ),
      pass: mode(
        'passed through (OpenAI client)',
        gateway,
        '/pass/v1/chat/completions',
        OPENAI_BODY,
      ),
      conv: mode('converted (Anthropic client)', gateway, '/conv/v1/messages', ANTHROPIC_BODY),
    };
    const terminators = { direct: '[DONE]', pass: '[DONE]', conv: 'message_stop' } as const;
    // Warm-up: every path once, JIT and pools.
    for (let i = 0; i < 20; i++) {
      for (const key of ['direct', 'pass', 'conv'] as const)
        await stream(modes[key], terminators[key]);
    }
    for (const m of Object.values(modes)) {
      m.times.length = 0;
      m.bad = 0;
    }
    const end = Date.now() + SECONDS * 3 * 1000;
    while (Date.now() < end) {
      for (const key of ['direct', 'pass', 'conv'] as const) {
        const m = modes[key];
        const before = cpuMicros(gatewayPids());
        const sliceEnd = Date.now() + SLICE_MS;
        while (Date.now() < sliceEnd) await stream(m, terminators[key]);
        m.cpu += cpuMicros(gatewayPids()) - before;
      }
    }
    await gateway.close();
    await direct.close();
    const p50 = (m: Mode) =>
      percentile(
        [...m.times].sort((a, b) => a - b),
        50,
      );
    const base = p50(modes.direct);
    const row = (m: Mode, viaGateway: boolean) => ({
      route: m.name,
      streams: m.times.length,
      'p50 to end ms': p50(m).toFixed(3),
      'added p50 ms': viaGateway ? (p50(m) - base).toFixed(3) : '-',
      'added µs/event': viaGateway ? (((p50(m) - base) * 1000) / EVENTS).toFixed(2) : '-',
      'gateway CPU µs/event': viaGateway ? (m.cpu / m.times.length / EVENTS).toFixed(2) : '-',
      'bad streams': m.bad,
    });
    process.stdout.write(
      `${EVENTS} content events per stream; node v${process.versions.node}; ${cores} cores (gateway on core 0)\n`,
    );
    printTable([row(modes.direct, false), row(modes.pass, true), row(modes.conv, true)]);
    const added = (m: Mode) => ((p50(m) - base) * 1000) / EVENTS;
    process.stdout.write(
      `conversion adds ${(added(modes.conv) - added(modes.pass)).toFixed(2)} µs per event of latency and ${((modes.conv.cpu / modes.conv.times.length - modes.pass.cpu / modes.pass.times.length) / EVENTS).toFixed(2)} µs per event of gateway CPU\n`,
    );
    if (Object.values(modes).some((m) => m.bad > 0)) process.exitCode = 1;
  } finally {
    await node.destroy();
    await llm.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
