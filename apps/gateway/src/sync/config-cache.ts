/**
 * @module sync/config-cache
 * The last good config on local disk (decision D6), so a node can serve when etcd is unreachable
 * at boot. One JSON file holding the prefix, the revision and each item's raw value as read from
 * the store (re-validated on load, so a newer gateway applies its own schemas and defaults).
 * Written atomically (temp file, fsync, rename, directory fsync) with mode 0600: the values hold
 * provider keys and consumer secrets.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@tollgate/core';

const FORMAT = 'tollgate-config-cache/1';

/** What the file holds. */
export interface CachedConfig {
  revision: number;
  /** `[relativeKey, raw]`, e.g. `['routes/1', '{"uri":"/a",...}']`. */
  items: [string, string][];
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function parse(text: string, prefix: string): CachedConfig | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (typeof doc !== 'object' || doc === null) return 'not a JSON object';
  const { format, prefix: filePrefix, revision, items } = doc as Record<string, unknown>;
  if (format !== FORMAT) return 'unknown format';
  if (filePrefix !== prefix) return 'written for another prefix';
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    return 'bad revision';
  }
  const valid =
    Array.isArray(items) &&
    items.every(
      (e): e is [string, string] =>
        Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string',
    );
  if (!valid) return 'bad items';
  return { revision, items };
}

/**
 * Read the cache file; `undefined` (with a warn log, except when the file does not exist) when
 * it is missing, unreadable, corrupt or written for another prefix.
 */
export async function readConfigCache(
  file: string,
  prefix: string,
  log: Logger,
): Promise<CachedConfig | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn('config cache ignored', { file, reason: errorMessage(err) });
    }
    return undefined;
  }
  const parsed = parse(text, prefix);
  if (typeof parsed === 'string') {
    log.warn('config cache ignored', { file, reason: parsed });
    return undefined;
  }
  return parsed;
}

async function writeAtomically(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      // A temp file left by a crash keeps its old mode through open(): set it explicitly.
      await handle.chmod(0o600);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  // Makes the rename itself durable; not every platform lets a directory be fsync'd.
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // best effort
  }
}

/**
 * Writes the cache at most every `delayMs` while changes keep coming, one write at a time, the
 * content taken from `snapshot` when the write starts (so a burst costs one write).
 * @example
 * const writer = new ConfigCacheWriter(file, '/apisix', () => ({ revision, items }), log);
 * writer.changed();       // after every applied update
 * await writer.flush();   // on stop
 */
export class ConfigCacheWriter {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly prefix: string,
    private readonly snapshot: () => CachedConfig,
    private readonly log: Logger,
    private readonly delayMs = 200,
  ) {}

  /** The config changed: write it within `delayMs`. */
  changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain.then(() => this.writeIfDirty());
    }, this.delayMs);
    this.timer.unref();
  }

  /** Write now if anything changed since the last write, and wait for every write. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(() => this.writeIfDirty());
    await this.chain;
  }

  private async writeIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const { revision, items } = this.snapshot();
    const doc = { format: FORMAT, prefix: this.prefix, revision, savedAt: Date.now(), items };
    try {
      await writeAtomically(this.file, JSON.stringify(doc));
    } catch (err) {
      // The next change tries again; serving does not depend on the copy.
      this.log.warn('config cache write failed', { file: this.file, reason: errorMessage(err) });
    }
  }
}
