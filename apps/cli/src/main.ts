/**
 * @module main
 * The `tollgate` command line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isGatewayError } from '@tollgate/core';
import { mockLlmCommand } from './commands/mock-llm';
import { start } from './commands/start';
import type { Role } from './config/types';

const USAGE = `Usage: tollgate <command> [options]

Commands:
  start [-c FILE] [--role traditional|control_plane|data_plane]
        Start Tollgate. Without etcd in the config, runs on the embedded store in the data
        directory (./.tollgate by default). The config defaults to conf/config.yaml when present.
  mock-llm [--port 16724] [--host 127.0.0.1] [--name NAME] [--api-key KEY]... [--status N]
        [--delay-ms N] [--ttft-ms N] [--tokens-per-second N] [--slots N [--max-queue N]...]
        Run a fake OpenAI/Anthropic-compatible LLM in the foreground (docs/mock-llm.md).
  help  Show this help.

Options:
  -c, --config FILE   config file (APISIX's conf/config.yaml shape)
  --role ROLE         override deployment.role
  -h, --help          show this help
  -v, --version       print the version
`;

const ROLES = new Set<Role>(['traditional', 'control_plane', 'data_plane']);

function exitWith(message: string, code = 1): never {
  process.stderr.write(`tollgate: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  // mock-llm has options of its own.
  if (argv[0] === 'mock-llm') return mockLlmCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        role: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    exitWith(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command] = positionals;
  if (values.version) {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    process.stdout.write(`tollgate ${pkg.version}\n`);
    return;
  }
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'start') {
    const role = values.role;
    if (role !== undefined && !ROLES.has(role as Role)) {
      exitWith(`--role must be one of traditional, control_plane, data_plane (got "${role}")`, 2);
    }
    await start({ configFile: values.config, role: role as Role | undefined });
    return;
  }
  exitWith(`unknown command "${command}"\n\n${USAGE}`, 2);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (isGatewayError(err) && err.expose) exitWith(err.message);
  exitWith(err instanceof Error ? (err.stack ?? err.message) : String(err));
});
