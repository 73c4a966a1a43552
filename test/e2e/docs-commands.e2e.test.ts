/**
 * Issue 15: every ```sh block of README.md and docs/getting-started.md is run exactly as written.
 *
 * How: each document gets a fresh copy of the working tree (no `.git`, `.tollgate`, `.local` or
 * `conf/`; `node_modules` hard-linked, so the copy's `npm start` installs nothing) and one bash
 * "terminal" (`set -euo pipefail`, its own process group) that runs the blocks in order, each
 * block's text byte for byte from a file:
 * - a `terminal` block is `source`d, so its `export`s, `$!` and jobs (`kill %1`) carry on to the
 *   next block as in a user's terminal; it must exit 0, and its stdout must match what the
 *   document says it prints (the `expect` lists below);
 * - a `server` block (`npm start`, which stays in the foreground) runs in the background, as it
 *   would in a terminal of its own; the next block starts once the node has written
 *   `.tollgate/tollgate.pid` (every listener open). A node still running from an earlier `server`
 *   block is stopped first with `tollgate quit`, as the user would press Ctrl-C;
 * - `npm test` (the CI command, which runs this very test) is not run here; its line is pinned
 *   below so a change to it is seen.
 * At the end the node is stopped with `tollgate quit`, the terminal's process group (mocks left
 * in the background, the node's workers) is killed, and no port the documents use is left open.
 * The ports are the documents' own fixed loopback ports (9080, 9180, 9090, 9091, 9443, 16724,
 * 16725), so the two documents run one after the other. Needs `pnpm build` (as every e2e test).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';

jest.setTimeout(120_000);

const REPO = path.resolve(__dirname, '../..');
const PORTS = [9080, 9180, 9090, 9091, 9443, 16724, 16725];
const START_LINE = 'npm start     # start Tollgate on this machine';
const TEST_LINE = 'npm test      # install what is missing';

type Step =
  | { kind: 'terminal'; expect: (string | RegExp)[] }
  | { kind: 'server'; env?: Record<string, string> };

interface Block {
  text: string;
  step: Step;
}

/** The ```sh blocks of a markdown file, in order, each as its exact text. */
function shBlocks(file: string): string[] {
  const text = fs.readFileSync(path.join(REPO, file), 'utf8');
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

/** The text of an SSE body's `delta.content` pieces, joined. */
function streamedText(output: string): string {
  const pieces: string[] = [];
  for (const m of output.matchAll(/^data: (\{.*\})$/gm)) {
    const chunk = JSON.parse(m[1] ?? '{}') as {
      choices?: { delta?: { content?: string } }[];
    };
    pieces.push(chunk.choices?.[0]?.delta?.content ?? '');
  }
  return pieces.join('');
}

const etcdPrefix = uniquePrefix('docs-commands');

function readmeSteps(blocks: string[]): Block[] {
  expect(blocks).toHaveLength(5);
  const [start, quick, plain, observe, etcd] = blocks as [string, string, string, string, string];
  // Block 1: `npm start` runs; `npm test` is the CI command that runs this very test.
  const lines = start.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]?.startsWith(START_LINE)).toBe(true);
  expect(lines[1]?.startsWith(TEST_LINE)).toBe(true);
  expect(lines[2]).toBe('');
  expect(etcd.split('\n')[0]).toBe('npm start -- -c deploy/conf/config.example.yaml');
  return [
    { text: `${lines[0] ?? ''}\n`, step: { kind: 'server' } },
    {
      text: quick,
      step: {
        kind: 'terminal',
        expect: [
          /^HTTP\/1\.1 201 Created/m,
          '"key":"/apisix/routes/ai-proxy-multi-route"',
          '"content":"Hello from self-hosted-c: Hello"',
          /data: \[DONE\]\s*$/,
        ],
      },
    },
    {
      text: plain,
      step: {
        kind: 'terminal',
        expect: [
          '"key":"/apisix/routes/hello"',
          /^HTTP\/1\.1 404 Not Found/m,
          '{"error_msg":"404 Route Not Found"}',
        ],
      },
    },
    {
      text: observe,
      step: {
        kind: 'terminal',
        expect: [
          '"key":"/apisix/global_rules/1"',
          /^apisix_llm_\w+\{/m,
          '"instance":"qwen2.5-32b-instruct-b"',
        ],
      },
    },
    // The example config names etcd on 127.0.0.1:2379; the tests' etcd listens elsewhere, so
    // only the environment points it there (the file and the command stay as shipped).
    {
      text: etcd,
      step: {
        kind: 'server',
        env: { TOLLGATE_ETCD_HOST: testEtcdEndpoint(), TOLLGATE_ETCD_PREFIX: etcdPrefix },
      },
    },
  ];
}

function gettingStartedSteps(blocks: string[]): Block[] {
  expect(blocks).toHaveLength(5);
  const [start, traditional, files, running, stop] = blocks as [
    string,
    string,
    string,
    string,
    string,
  ];
  expect(start).toBe('npm start\n');
  const testOk = 'configuration test is successful';
  return [
    { text: start, step: { kind: 'server' } },
    {
      text: traditional,
      step: {
        kind: 'terminal',
        expect: [
          /^HTTP\/1\.1 201 Created/m,
          '"content":"Hello from self-hosted-b: Hello"',
          /tollgate \(pid \d+\) has exited/,
        ],
      },
    },
    { text: files, step: { kind: 'terminal', expect: [testOk] } },
    {
      text: running,
      step: {
        kind: 'terminal',
        expect: [
          /tollgate started in the background \(pid \d+\); log: /,
          /Hello from self-hosted-b: Hello[\s\S]*Hello from self-hosted-c: Hello/,
          testOk,
        ],
      },
    },
    { text: stop, step: { kind: 'terminal', expect: [/tollgate \(pid \d+\) has exited/] } },
  ];
}

/** A copy of the working tree as a fresh checkout would have it, plus the built outputs. */
function freshCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-docs-'));
  const excludes = ['node_modules', '.git', '.tollgate', '.local', 'conf', 'coverage'];
  const tar = spawnSync(
    'bash',
    [
      '-euo',
      'pipefail',
      '-c',
      // Exit 1 is GNU tar's "a file changed while read": others may be editing the tree.
      `{ tar -C "$1" ${excludes.map((e) => `--exclude=./${e}`).join(' ')} \\
           --warning=no-file-changed -cf - . || [ $? -eq 1 ]; } | tar -C "$2" -xf -
       cp -al "$1/node_modules" "$2/node_modules"`,
      'copy',
      REPO,
      dir,
    ],
    { encoding: 'utf8' },
  );
  expect({ status: tar.status, stderr: tar.stderr }).toEqual({ status: 0, stderr: '' });
  return dir;
}

/** The terminal's script: the blocks in order, a marker line after each one. */
function driver(blocks: Block[], blockDir: string): string {
  const out = [
    'set -euo pipefail',
    // A node from an earlier `server` block, stopped the way its terminal's Ctrl-C would.
    'stop_node() { if [ -s .tollgate/tollgate.pid ]; then node_modules/.bin/tollgate quit >&2; fi; }',
    'wait_node() {',
    '  for _ in $(seq 1 300); do [ -s .tollgate/tollgate.pid ] && return 0; sleep 0.1; done',
    '  echo "no node after 30 s; its output:" >&2; cat "$1" >&2; return 1',
    '}',
  ];
  blocks.forEach(({ step }, i) => {
    const file = path.join(blockDir, `${i + 1}.sh`);
    if (step.kind === 'server') {
      const env = Object.entries(step.env ?? {})
        .map(([k, v]) => `${k}='${v}' `)
        .join('');
      const log = `${file}.log`;
      out.push('stop_node');
      // `( … & )`: not a job of this terminal, so the blocks' `kill %1` names their own jobs.
      out.push(`( ${env}bash -euo pipefail '${file}' >'${log}' 2>&1 & )`);
      out.push(`wait_node '${log}'`);
    } else {
      out.push(`source '${file}'`);
    }
    out.push(`echo '@@block ${i + 1} done@@'`);
  });
  out.push('stop_node');
  return `${out.join('\n')}\n`;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killGroup(pgid: number): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGTERM', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    if (!groupAlive(pgid)) return;
    process.kill(-pgid, signal);
    const until = Date.now() + waitMs;
    while (groupAlive(pgid) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Runs the blocks in one terminal in a fresh copy; returns each block's stdout. */
async function runDocument(blocks: Block[]): Promise<{ outputs: string[]; workDir: string }> {
  const workDir = freshCopy();
  const blockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-docs-blocks-'));
  blocks.forEach(({ text }, i) => fs.writeFileSync(path.join(blockDir, `${i + 1}.sh`), text));
  fs.writeFileSync(path.join(blockDir, 'driver.sh'), driver(blocks, blockDir));
  const stdoutFile = path.join(blockDir, 'stdout');
  const stderrFile = path.join(blockDir, 'stderr');
  const stdout = fs.openSync(stdoutFile, 'w');
  const stderr = fs.openSync(stderrFile, 'w');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TOLLGATE_')),
  );
  // Files, not pipes: mocks left in the background keep their stdout open after the terminal ends.
  const terminal = spawn('bash', [path.join(blockDir, 'driver.sh')], {
    cwd: workDir,
    env,
    detached: true,
    stdio: ['ignore', stdout, stderr],
  });
  fs.closeSync(stdout);
  fs.closeSync(stderr);
  const pgid = terminal.pid ?? 0;
  let code: number | null;
  try {
    code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the blocks ran past 45 s')), 45_000);
      terminal.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  } finally {
    spawnSync('node_modules/.bin/tollgate', ['quit'], { cwd: workDir, env, timeout: 20_000 });
    await killGroup(pgid);
  }
  const out = fs.readFileSync(stdoutFile, 'utf8');
  const err = fs.readFileSync(stderrFile, 'utf8');
  const parts = out.split(/^@@block \d+ done@@\n/m);
  const failed = parts.length - 1;
  if (code !== 0) {
    throw new Error(
      `block ${failed + 1} exited ${String(code)}:\n${blocks[failed]?.text ?? ''}\n` +
        `stdout:\n${parts[failed] ?? ''}\nstderr:\n${err.slice(-4000)}`,
    );
  }
  expect(parts).toHaveLength(blocks.length + 1);
  fs.rmSync(blockDir, { recursive: true, force: true });
  return { outputs: parts.slice(0, blocks.length), workDir };
}

function checkOutputs(blocks: Block[], outputs: string[]): void {
  blocks.forEach(({ step }, i) => {
    if (step.kind !== 'terminal') return;
    for (const wanted of step.expect) {
      const output = outputs[i] ?? '';
      if (typeof wanted === 'string')
        expect({ block: i + 1, output }).toEqual({
          block: i + 1,
          output: expect.stringContaining(wanted),
        });
      else
        expect({ block: i + 1, output }).toEqual({
          block: i + 1,
          output: expect.stringMatching(wanted),
        });
    }
  });
}

const workDirs: string[] = [];

afterAll(() => {
  for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
  spawnSync('etcdctl', ['--endpoints', testEtcdEndpoint(), 'del', '--prefix', `${etcdPrefix}/`]);
});

afterEach(async () => {
  const open = [];
  for (const port of PORTS) if (await listening(port)) open.push(port);
  expect(open).toEqual([]);
});

it('runs every sh block of README.md as written', async () => {
  const blocks = readmeSteps(shBlocks('README.md'));
  const { outputs, workDir } = await runDocument(blocks);
  workDirs.push(workDir);
  checkOutputs(blocks, outputs);
  // After `kill %1` the stream is answered by the priority-5 instance, with no error.
  expect(streamedText(outputs[1] ?? '')).toBe('Hello from self-hosted-b: Hello');
  expect(fs.readFileSync(path.join(workDir, '.tollgate/admin_key'), 'utf8')).toMatch(
    /^[0-9a-f]{32}\s*$/,
  );
});

it('runs every sh block of docs/getting-started.md as written', async () => {
  const blocks = gettingStartedSteps(shBlocks('docs/getting-started.md'));
  const { outputs, workDir } = await runDocument(blocks);
  workDirs.push(workDir);
  checkOutputs(blocks, outputs);
  expect(fs.existsSync(path.join(workDir, 'conf'))).toBe(false);
  expect(fs.existsSync(path.join(workDir, '.tollgate/store'))).toBe(true);
});
