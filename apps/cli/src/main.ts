/**
 * @module main
 * The `tollgate` command line: APISIX's verbs (`start`, `stop`, `quit`, `restart`, `reload`,
 * `test`, `init`, `version`, `help`) plus `mock-llm`. Each verb's module is loaded when it runs,
 * so `quit`, `reload` and `version` do not pay for loading the whole node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isGatewayError } from '@tollgate/core';
import type { Role } from './config/types';

const CONFIG_OPTION =
  '  -c, --config FILE   config file (default: $TOLLGATE_CONFIG, else conf/config.yaml)\n';

/** Each verb's own help (`tollgate <verb> --help`). */
const VERB_USAGE = new Map<string, string>(
  Object.entries({
    start: `Usage: tollgate start [-c FILE] [--role traditional|control_plane|data_plane] [-d]

Start Tollgate in the foreground (with -d, in the background). Without etcd in the config, runs
on the embedded store in the data directory (./.tollgate by default). Writes
<data_dir>/tollgate.pid while it runs; refuses to start when the node in that file is alive.
SIGTERM or SIGINT: finish in-flight requests and exit; a second signal: exit at once. SIGHUP:
reload (tollgate reload --help).

Options:
${CONFIG_OPTION}  --role ROLE         override deployment.role
  -d, --daemon        run in the background, output appended to <data_dir>/tollgate.log; returns
                      once the node serves (exit 0) or has failed (exit 1)
`,
    restart: `Usage: tollgate restart [-c FILE] [--role traditional|control_plane|data_plane] [-d]

Check the config file (as tollgate test; a failing file stops nothing), quit the node running on
its data directory (in-flight requests finish first), then start as tollgate start does with the
options given here.

Options:
${CONFIG_OPTION}  --role ROLE         override deployment.role
  -d, --daemon        start in the background
`,
    reload: `Usage: tollgate reload [-c FILE]

Check the config file (as tollgate test; a failing file is not applied), then have the node
running on its data directory re-read it: its gateway workers are replaced one at a time (a new
worker serves before an old one stops accepting and finishes its requests), so no request fails.
Applies nginx_config.worker_processes, apisix.node_listen, apisix.ssl, the access log, plugins
and plugin_attr; other settings need tollgate restart. Waits for the node's report (up to 60 s):
exit 0 when the reload is done, 1 otherwise.

Options:
${CONFIG_OPTION}`,
    test: `Usage: tollgate test [-c FILE]

Check the config file and, in standalone file mode, the apisix.yaml (or .json) it names. Prints
"configuration test is successful" and exits 0, or prints the first error and exits 1.

Options:
${CONFIG_OPTION}`,
    quit: `Usage: tollgate quit [-c FILE]

Stop the node running on the config's data directory gracefully (SIGTERM: in-flight requests
finish first) and wait until it has exited (up to 60 s).

Options:
${CONFIG_OPTION}`,
    stop: `Usage: tollgate stop [-c FILE]

Stop the node running on the config's data directory at once (SIGINT twice: in-flight requests
are cut) and wait until it has exited (up to 60 s).

Options:
${CONFIG_OPTION}`,
    init: `Usage: tollgate init [-c FILE] [--force]

Write a starter config file (default conf/config.yaml) that \`tollgate start\` runs as is.

Options:
  -c, --config FILE   where to write it (default conf/config.yaml)
  --force             overwrite an existing file
`,
    version: `Usage: tollgate version

Print the version (same as tollgate --version).
`,
  }),
);

const USAGE = `Usage: tollgate <command> [options]

Commands:
  start [-c FILE] [--role traditional|control_plane|data_plane] [-d]
        Start Tollgate in the foreground (-d: in the background). Without etcd in the config,
        runs on the embedded store in the data directory (./.tollgate by default). The config
        defaults to conf/config.yaml when present.
  test [-c FILE]
        Check the config file (and the standalone apisix.yaml it names) without starting.
  quit [-c FILE]
        Stop the running node gracefully (in-flight requests finish) and wait for it.
  stop [-c FILE]
        Stop the running node at once and wait for it.
  restart [-c FILE] [--role ROLE] [-d]
        Quit the running node, then start it again.
  reload [-c FILE]
        Re-read the config file: the running node replaces its workers one at a time.
  init [-c FILE] [--force]
        Write a starter conf/config.yaml.
  mock-llm [--port 16724] [--host 127.0.0.1] [--name NAME] [--api-key KEY]... [--status N]
        [--delay-ms N] [--ttft-ms N] [--tokens-per-second N] [--slots N [--max-queue N]...]
        Run a fake OpenAI/Anthropic-compatible LLM in the foreground (docs/mock-llm.md).
  version
        Print the version.
  help  Show this help (tollgate <command> --help: that command's).

Options:
  -c, --config FILE   config file (APISIX's conf/config.yaml shape)
  --role ROLE         override deployment.role (start, restart)
  -d, --daemon        run in the background (start, restart)
  --force             overwrite an existing file (init)
  -h, --help          show this help
  -v, --version       print the version
`;

const ROLES = new Set<Role>(['traditional', 'control_plane', 'data_plane']);

function exitWith(message: string, code = 1): never {
  process.stderr.write(`tollgate: ${message}\n`);
  process.exit(code);
}

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return `tollgate ${pkg.version}\n`;
}

/** Options each verb accepts besides -c and -h. */
const VERB_OPTIONS = new Map<string, string[]>([
  ['start', ['role', 'daemon']],
  ['restart', ['role', 'daemon']],
  ['init', ['force']],
]);

async function main(argv: string[]): Promise<void> {
  // mock-llm has options of its own.
  if (argv[0] === 'mock-llm') {
    const { mockLlmCommand } = await import('./commands/mock-llm.js');
    return mockLlmCommand(argv.slice(1));
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        role: { type: 'string' },
        daemon: { type: 'boolean', short: 'd' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    exitWith(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, extra] = positionals;
  if (values.version || (command === 'version' && !values.help)) {
    process.stdout.write(version());
    return;
  }
  if (command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const usage = VERB_USAGE.get(command);
  if (usage === undefined) exitWith(`unknown command "${command}"\n\n${USAGE}`, 2);
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  if (extra !== undefined) exitWith(`unexpected argument "${extra}"\n\n${usage}`, 2);
  for (const option of ['role', 'daemon', 'force'] as const) {
    if (values[option] !== undefined && !VERB_OPTIONS.get(command)?.includes(option)) {
      exitWith(`${command} takes no --${option}\n\n${usage}`, 2);
    }
  }
  switch (command) {
    case 'start':
    case 'restart': {
      const role = values.role;
      if (role !== undefined && !ROLES.has(role as Role)) {
        exitWith(`--role must be one of traditional, control_plane, data_plane (got "${role}")`, 2);
      }
      if (command === 'restart') {
        const { quitForRestart } = await import('./commands/restart.js');
        const { NotStoppedError } = await import('./commands/quit.js');
        try {
          process.stdout.write(await quitForRestart(values.config));
        } catch (err) {
          if (err instanceof NotStoppedError) exitWith(err.message);
          throw err;
        }
      }
      if (values.daemon) {
        const { startDaemon } = await import('./commands/daemon.js');
        const args = [
          ...(values.config !== undefined ? ['-c', values.config] : []),
          ...(role !== undefined ? ['--role', role] : []),
        ];
        const { pid, logFile } = await startDaemon(args, values.config);
        process.stdout.write(`tollgate started in the background (pid ${pid}); log: ${logFile}\n`);
        return;
      }
      const { start } = await import('./commands/start.js');
      await start({ configFile: values.config, role: role as Role | undefined });
      return;
    }
    case 'reload': {
      const { NotReloadedError, requestReload } = await import('./commands/reload.js');
      try {
        const { pid, message } = await requestReload(values.config);
        process.stdout.write(`tollgate (pid ${pid}) reloaded: ${message}\n`);
      } catch (err) {
        if (err instanceof NotReloadedError) exitWith(err.message);
        throw err;
      }
      return;
    }
    case 'test': {
      const { TEST_SUCCESS, testConfig } = await import('./commands/config-test.js');
      const error = await testConfig(values.config);
      if (error !== undefined) exitWith(`${error}\nconfiguration test failed`);
      process.stdout.write(`${TEST_SUCCESS}\n`);
      return;
    }
    case 'quit':
    case 'stop': {
      const { NotStoppedError, stopNode } = await import('./commands/quit.js');
      try {
        const pid = await stopNode(values.config, { graceful: command === 'quit' });
        process.stdout.write(`tollgate (pid ${pid}) has exited\n`);
      } catch (err) {
        if (err instanceof NotStoppedError) {
          process.stderr.write(`${err.message}\n`);
          process.exit(1);
        }
        throw err;
      }
      return;
    }
    case 'init': {
      const { initConfig } = await import('./commands/init.js');
      const file = initConfig(values.config, { force: values.force === true });
      process.stdout.write(`wrote ${file}; check it with: tollgate test -c ${file}\n`);
      return;
    }
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (isGatewayError(err) && err.expose) exitWith(err.message);
  exitWith(err instanceof Error ? (err.stack ?? err.message) : String(err));
});
