// `tollgate mock-llm` as a user runs it (the built CLI: `pnpm build` first, as for e2e tests).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { CHAT_BODY, send } from './client';

const BIN = path.resolve(__dirname, '../../../apps/cli/bin/tollgate.js');

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => reject(new Error('the CLI did not exit')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no output; stderr: ${err}`)), timeoutMs);
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', () => reject(new Error(`the CLI exited; stderr: ${err}`)));
  });
}

it('runs in the foreground, prints its URL and stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [BIN, 'mock-llm', '--port', '0', '--name', 'cli', '--api-key', 'k1', '--status', '503'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const line = await firstLine(child, 10_000);
    expect(line).toMatch(/^mock-llm cli listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = /http:\/\/\S+/.exec(line)?.[0] ?? '';
    const denied = await send(`${url}/v1/chat/completions`, { body: CHAT_BODY });
    expect(denied.status).toBe(401);
    const failing = await send(`${url}/v1/chat/completions`, {
      body: CHAT_BODY,
      headers: { authorization: 'Bearer k1' },
    });
    expect(failing.status).toBe(503);
    child.kill('SIGTERM');
    expect(await exited(child, 5000)).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

it('refuses bad arguments with exit code 2', async () => {
  const child = spawn(process.execPath, [BIN, 'mock-llm', '--tokens-per-second', 'fast'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  expect(await exited(child, 10_000)).toBe(2);
  expect(err).toContain('--tokens-per-second expects a number');
});

it('turns the capacity model on with --slots, the timing flags then setting the model', async () => {
  const args = [
    '--slots',
    '2',
    '--ttft-ms',
    '30',
    '--tokens-per-second',
    '400',
    '--max-queue',
    '5',
  ];
  const child = spawn(process.execPath, [BIN, 'mock-llm', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = /http:\/\/\S+/.exec(await firstLine(child, 10_000))?.[0] ?? '';
    const report = JSON.parse((await send(`${url}/__mock/capacity`)).body);
    expect(report.settings).toMatchObject({
      slots: 2,
      ttftMs: 30,
      tokensPerSecond: 400,
      maxQueue: 5,
    });
    const behaviour = JSON.parse((await send(`${url}/__mock/behaviour`)).body);
    expect(behaviour).toMatchObject({ ttftMs: 0, tokensPerSecond: 0 });
    child.kill('SIGTERM');
    expect(await exited(child, 5000)).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

it.each([
  [['--max-queue', '3'], '--max-queue needs --slots (the capacity model)'],
  [['--slots', '0'], 'invalid capacity.slots: expected >= 1'],
])('refuses capacity flags %j with exit code 2', async (flags, message) => {
  const child = spawn(process.execPath, [BIN, 'mock-llm', ...flags], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  expect(await exited(child, 10_000)).toBe(2);
  expect(err).toContain(message);
});
