/**
 * @module standalone/file-source
 * Standalone file mode (issue 15, APISIX's `config_provider: yaml`/`json` on a data plane): the
 * whole configuration comes from `apisix.yaml` (or `apisix.json`) and is applied again whenever
 * the file changes. A YAML file must end with a line `#END`, so that a file still being written is
 * never read; `${{NAME}}` and `${{NAME:=default}}` take environment variables, as in config.yaml.
 * A file that is incomplete, unreadable or invalid is not applied: the last good configuration
 * stays in force and the reason is logged. A good one replaces the configuration in one store
 * revision, so every worker applies all of it at once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  compileStandalone,
  EnabledPlugins,
  parseBody,
  type CompileOptions,
} from '@tollgate/admin-api';
import type { MemoryStore } from '@tollgate/config-store';
import { createLogger, environment, type Logger } from '@tollgate/core';
import { DataEncryption } from '@tollgate/schema';
import { resolveEnvVars } from '../config/env-vars';
import type { TollgateConfig } from '../config/types';

/** APISIX's end-of-file marker for apisix.yaml. */
const END_MARKER = '#END';
/** How often the file is also checked by polling (fs.watch misses some editors' renames). */
const POLL_MS = 1000;

/** A configuration file that could not be applied, and why. */
export class StandaloneFileError extends Error {}

/** The text of `file` and its digest; throws {@link StandaloneFileError} when it cannot be read. */
async function readText(file: string): Promise<{ text: string; digest: string }> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    throw new StandaloneFileError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return { text, digest: createHash('sha256').update(text).digest('hex') };
}

/** Parse, check and compile a configuration file's text (see {@link readStandaloneFile}). */
async function compileText(
  file: string,
  text: string,
  format: 'yaml' | 'json',
  options: CompileOptions,
  env: NodeJS.ProcessEnv,
): Promise<Map<string, string>> {
  let tree: unknown;
  try {
    if (format === 'yaml') {
      const lines = text.trimEnd().split('\n');
      if (lines[lines.length - 1]?.trim() !== END_MARKER) {
        throw new StandaloneFileError(
          `${file} does not end with a line ${END_MARKER} (not written completely yet?)`,
        );
      }
      tree = YAML.parse(text, { maxAliasCount: 100 });
    } else {
      tree = JSON.parse(text);
    }
  } catch (err) {
    if (err instanceof StandaloneFileError) throw err;
    throw new StandaloneFileError(`cannot parse ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  tree ??= {};
  if (typeof tree !== 'object' || Array.isArray(tree)) {
    throw new StandaloneFileError(`${file} must hold an object of resource lists`);
  }
  let resolved: unknown;
  try {
    resolved = resolveEnvVars(tree, env, undefined);
  } catch (err) {
    throw new StandaloneFileError(`${file}: ${(err as Error).message}`);
  }
  // Through the Admin API's body checks, as a PUT body: depth, text, and no prototype keys (a
  // YAML `__proto__` key would otherwise have set the parsed object's prototype).
  const checked = parseBody(Buffer.from(JSON.stringify(resolved)));
  if (!checked.ok) {
    const body = checked.response.body as { error_msg?: string } | undefined;
    throw new StandaloneFileError(`${file}: ${body?.error_msg ?? 'invalid content'}`);
  }
  return compileStandalone(checked.value as Record<string, unknown>, options);
}

/**
 * Read, check and compile `file` without applying it: the store content it stands for. Throws
 * {@link StandaloneFileError}, or the compile's StandaloneConfigError, with the reason.
 */
export async function readStandaloneFile(
  file: string,
  format: 'yaml' | 'json',
  options: CompileOptions,
  env: NodeJS.ProcessEnv = environment(),
): Promise<Map<string, string>> {
  const { text } = await readText(file);
  return compileText(file, text, format, options, env);
}

/**
 * Keeps `store` in line with `file`: {@link StandaloneFile.load} once at start, then on every
 * change (fs.watch, and a poll every second as a safety net).
 *
 * @example
 * const source = new StandaloneFile(config.standalone.file, 'yaml', store, options, log);
 * await source.load();
 * source.watch();
 */
export class StandaloneFile {
  /** Digest of the file applied last, and of the last one refused. */
  private digest: string | undefined;
  private refused: string | undefined;
  private watcher: fs.FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  /** One load at a time; a change during a load runs one more after it. */
  private loading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly file: string,
    private readonly format: 'yaml' | 'json',
    private readonly store: MemoryStore,
    private readonly options: CompileOptions,
    private readonly log: Logger,
  ) {}

  /** Apply the file if it changed and is valid; resolves whether the store now holds it. */
  async load(): Promise<boolean> {
    let digest: string | undefined;
    try {
      const read = await readText(this.file);
      digest = read.digest;
      if (digest === this.digest) return true;
      // The same bad file again (the poll): refused already, and said so.
      if (digest === this.refused) return false;
      const entries = await compileText(
        this.file,
        read.text,
        this.format,
        this.options,
        environment(),
      );
      const changed = this.store.replaceAll(entries);
      this.digest = digest;
      this.log.info('standalone config applied', { file: this.file, items: entries.size, changed });
      return true;
    } catch (err) {
      this.refused = digest;
      this.log.error('standalone config not applied; the last good one stays in force', {
        file: this.file,
        reason: (err as Error).message,
      });
      return false;
    }
  }

  /** Reload on every change of the file (its directory is watched: editors replace files). */
  watch(): void {
    const onChange = () => this.schedule();
    try {
      this.watcher = fs.watch(path.dirname(this.file), (_event, name) => {
        if (name === null || name === path.basename(this.file)) onChange();
      });
      this.watcher.on('error', (err) => this.log.warn('standalone config watch failed', { err }));
    } catch (err) {
      this.log.warn('standalone config file not watched; polling only', { err });
    }
    this.poller = setInterval(onChange, POLL_MS);
    this.poller.unref();
  }

  /** Stop watching; a load in progress finishes. */
  async close(): Promise<void> {
    this.watcher?.close();
    if (this.poller) clearInterval(this.poller);
    await this.loading;
  }

  private schedule(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = this.load().then(() => {
      this.loading = undefined;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
  }
}

/**
 * Standalone file mode of `tollgate start`: load `config.standalone.file` into `store` (a file
 * not there yet or not valid is logged, and the node starts with no configuration, as APISIX
 * does), then follow its changes.
 */
export async function watchStandaloneFile(
  config: TollgateConfig,
  store: MemoryStore,
  log: Logger = createLogger('standalone'),
): Promise<StandaloneFile> {
  const standalone = config.standalone;
  if (standalone?.mode !== 'file') throw new Error('not in standalone file mode');
  const source = new StandaloneFile(
    standalone.file,
    standalone.format,
    store,
    compileOptions(config, log),
    log,
  );
  await source.load();
  source.watch();
  return source;
}

/** What the checks of a standalone configuration need, from config.yaml. */
export function compileOptions(config: TollgateConfig, log: Logger): CompileOptions {
  return {
    prefix: config.etcd?.prefix ?? '/apisix',
    plugins: new EnabledPlugins(config.plugins),
    streamProxy: config.streamProxy !== undefined,
    encryption: new DataEncryption(config.dataEncryption),
    log,
  };
}
