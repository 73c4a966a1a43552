/**
 * @module commands/mock-llm
 * `tollgate mock-llm`: runs the fake OpenAI/Anthropic-compatible LLM of `@tollgate/mock-llm` in
 * the foreground, prints one line with its URL, and stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { BehaviourError, parseBehaviour, startMockLlm, type Behaviour } from '@tollgate/mock-llm';

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
  -h, --help               show this help
`;

class UsageError extends Error {}

function numberArg(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} expects a number`);
  return n;
}

type BehaviourFlags = Partial<
  Record<'status' | 'delay-ms' | 'ttft-ms' | 'tokens-per-second', string>
>;

function behaviourFrom(values: BehaviourFlags): Partial<Behaviour> {
  const given = Object.entries({
    status: numberArg('--status', values.status),
    delayMs: numberArg('--delay-ms', values['delay-ms']),
    ttftMs: numberArg('--ttft-ms', values['ttft-ms']),
    tokensPerSecond: numberArg('--tokens-per-second', values['tokens-per-second']),
  }).filter(([, value]) => value !== undefined);
  const patch = Object.fromEntries(given);
  try {
    return parseBehaviour(patch);
  } catch (err) {
    if (err instanceof BehaviourError) throw new UsageError(err.message);
    throw err;
  }
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
      behaviour: behaviourFrom(values),
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
