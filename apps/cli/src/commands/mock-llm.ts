/**
 * @module commands/mock-llm
 * `tollgate mock-llm`: runs the fake OpenAI/Anthropic-compatible LLM of `@tollgate/mock-llm` in
 * the foreground, prints one line with its URL, and stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import {
  BehaviourError,
  parseBehaviour,
  parseCapacity,
  startMockLlm,
  type Behaviour,
  type Capacity,
} from '@tollgate/mock-llm';

/** The port the quick start uses. */
export const MOCK_LLM_DEFAULT_PORT = 16724;

/** Help text of `tollgate mock-llm`. */
export const MOCK_LLM_USAGE = `Usage: tollgate mock-llm [options]

Runs a fake OpenAI/Anthropic-compatible LLM (chat completions, embeddings, responses, messages)
until Ctrl-C. Steer it per request with X-Mock-* headers or over /__mock/ (docs/mock-llm.md).

Options:
  --port N                 port to listen on (default ${MOCK_LLM_DEFAULT_PORT}; 0 = any free port)
  --host ADDR              address to bind (default 127.0.0.1)
  --name NAME              name echoed in answers and metrics (default mock-llm)
  --api-key KEY            require this key (repeatable); otherwise any request passes
  --status N               answer every request with this status (e.g. 429, 500)
  --delay-ms N             wait before answering
  --ttft-ms N              streams: wait before the first event
  --tokens-per-second N    streams: pace the text at this rate (0 = as fast as possible)

Capacity model (off unless --slots is given; docs/mock-llm.md, "Capacity model"):
  --slots N                requests decoded at once; more wait in a FIFO queue
  --ttft-ms N              with --slots: prefill time (TTFT = queue wait + this)
  --tokens-per-second N    with --slots: decode speed of a request alone in the batch
  --batch-slowdown X       speed / (1 + X × (running - 1)) (default 0.05)
  --max-queue N            refuse with 429 beyond N waiting (default: unbounded, as vLLM)
  --output-tokens N        answer length when the request sets no max_tokens (default 64)
  --kv-tokens N            KV-cache size in tokens (default: KV use = running / slots)
  -h, --help               show this help
`;

class UsageError extends Error {}

function numberArg(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} expects a number`);
  return n;
}

const CAPACITY_FLAGS = {
  slots: 'slots',
  'ttft-ms': 'ttftMs',
  'tokens-per-second': 'tokensPerSecond',
  'batch-slowdown': 'batchSlowdown',
  'max-queue': 'maxQueue',
  'output-tokens': 'outputTokens',
  'kv-tokens': 'kvTokens',
} as const;

type Flags = Partial<Record<'status' | 'delay-ms' | keyof typeof CAPACITY_FLAGS, string>>;

/** The given flags as a patch (`fields` maps flag → field), validated by `parse`. */
function patchOf<T>(values: Flags, fields: Record<string, string>, parse: (p: object) => T): T {
  const given = Object.entries(fields).flatMap(([flag, field]) => {
    const value = numberArg(`--${flag}`, values[flag as keyof Flags]);
    return value === undefined ? [] : [[field, value]];
  });
  try {
    return parse(Object.fromEntries(given) as object);
  } catch (err) {
    if (err instanceof BehaviourError) throw new UsageError(err.message);
    throw err;
  }
}

/** With `--slots`, the timing flags configure the capacity model instead of the behaviour. */
function modelFrom(values: Flags): { behaviour: Partial<Behaviour>; capacity?: Partial<Capacity> } {
  const plain = { status: 'status', 'delay-ms': 'delayMs' };
  if (values.slots === undefined) {
    const capacityOnly = ['batch-slowdown', 'max-queue', 'output-tokens', 'kv-tokens'] as const;
    const stray = capacityOnly.find((flag) => values[flag] !== undefined);
    if (stray) {
      throw new UsageError(`--${stray} needs --slots (the capacity model)`);
    }
    const timing = { 'ttft-ms': 'ttftMs', 'tokens-per-second': 'tokensPerSecond' };
    return { behaviour: patchOf(values, { ...plain, ...timing }, parseBehaviour) };
  }
  return {
    behaviour: patchOf(values, plain, parseBehaviour),
    capacity: patchOf(values, CAPACITY_FLAGS, parseCapacity),
  };
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      name: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      status: { type: 'string' },
      'delay-ms': { type: 'string' },
      'ttft-ms': { type: 'string' },
      'tokens-per-second': { type: 'string' },
      slots: { type: 'string' },
      'batch-slowdown': { type: 'string' },
      'max-queue': { type: 'string' },
      'output-tokens': { type: 'string' },
      'kv-tokens': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const port = numberArg('--port', values.port) ?? MOCK_LLM_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError('--port expects 0-65535');
  }
  return {
    help: values.help === true,
    options: {
      port,
      host: values.host ?? '127.0.0.1',
      name: values.name,
      apiKeys: values['api-key'],
      ...modelFrom(values),
    },
  };
}

function fail(message: string, code: number): void {
  process.stderr.write(`tollgate mock-llm: ${message}\n`);
  process.exitCode = code;
}

/**
 * Run `tollgate mock-llm` with the arguments after the command name. Resolves once a signal
 * stopped the server (or at once, with `process.exitCode` set, on bad arguments).
 * @example
 * await mockLlmCommand(['--port', '0', '--name', 'a']); // prints "mock-llm a listening on http://…"
 */
export async function mockLlmCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    fail(`${(err as Error).message}\n\n${MOCK_LLM_USAGE}`, 2);
    return;
  }
  if (parsed.help) {
    process.stdout.write(MOCK_LLM_USAGE);
    return;
  }
  let llm;
  try {
    llm = await startMockLlm(parsed.options);
  } catch (err) {
    fail((err as Error).message, 1);
    return;
  }
  process.stdout.write(`mock-llm ${llm.name} listening on ${llm.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await llm.close();
}
