/**
 * @module embedded/wal
 * The embedded store's files: `store.log`, one line per acknowledged write, and
 * `snapshot.json`, the whole key space at one revision. A line is `<crc32 hex> <json>\n`.
 *
 * - append: one `write` of the whole line, then `fdatasync`, before the write is acknowledged.
 *   A failed append is cut off again, so the log never keeps a partial line in its middle.
 * - snapshot: written to a temp file, fsync'd, renamed over the old one, the directory fsync'd;
 *   only then is the log truncated. Log records at or below the snapshot's revision (a crash
 *   between the rename and the truncation) are skipped on replay.
 * - replay: a last line without its newline is a write torn by a crash before it was
 *   acknowledged: it is truncated away. Any other unreadable line is corruption.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreCorruptError, StoreUnavailableError, type Logger } from '@tollgate/core';
import { KvState, type LogRecord, type SnapshotData } from './kv-state';

const LOG_FILE = 'store.log';
const SNAPSHOT_FILE = 'snapshot.json';
const FILE_MODE = 0o600;

/** Encode a value as one checksummed line. */
export function encodeLine(value: unknown): string {
  const json = JSON.stringify(value);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** Decode a line (without its newline); throws a plain Error saying what is wrong. */
export function decodeLine(line: string): unknown {
  const space = line.indexOf(' ');
  if (space !== 8) throw new Error('malformed line');
  const json = line.slice(9);
  if (crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8))
    throw new Error('checksum mismatch');
  return JSON.parse(json);
}

function isLogRecord(value: unknown): value is LogRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v.r)) return false;
  if (v.op === 'put')
    return (
      typeof v.k === 'string' &&
      typeof v.v === 'string' &&
      (v.x === undefined || typeof v.x === 'number')
    );
  return v.op === 'del' && Array.isArray(v.ks) && v.ks.every((k) => typeof k === 'string');
}

function isSnapshot(value: unknown): value is SnapshotData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Number.isInteger(v.revision) && Array.isArray(v.entries);
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The durable files of one data directory. Not safe for concurrent appends: callers serialize. */
export class Wal {
  /** Records appended since the last snapshot (replayed ones included). */
  recordsSinceSnapshot = 0;
  private broken: Error | undefined;

  private constructor(
    private readonly dataDir: string,
    private handle: fs.FileHandle,
    private size: number,
  ) {}

  /** Open the files of `dataDir` and replay them into a state. */
  static async open(dataDir: string, logger: Logger): Promise<{ wal: Wal; state: KvState }> {
    const logPath = path.join(dataDir, LOG_FILE);
    const snapshotPath = path.join(dataDir, SNAPSHOT_FILE);
    await fs.rm(`${snapshotPath}.tmp`, { force: true });
    const state = await loadSnapshot(snapshotPath);
    const existed = (await readIfExists(logPath)) !== undefined;
    const handle = await fs.open(logPath, 'a+', FILE_MODE);
    try {
      if (!existed) await fsyncDir(dataDir);
      const { size, replayed } = await replayLog(handle, logPath, state, logger);
      const wal = new Wal(dataDir, handle, size);
      wal.recordsSinceSnapshot = replayed;
      return { wal, state };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Append one record durably. Rejects with StoreUnavailableError if the disk refuses. */
  async append(record: LogRecord): Promise<void> {
    if (this.broken)
      throw new StoreUnavailableError(`embedded store cannot write: ${this.broken.message}`);
    const line = Buffer.from(encodeLine(record));
    try {
      await this.handle.write(line);
      await this.handle.datasync();
      this.size += line.length;
      this.recordsSinceSnapshot++;
    } catch (err) {
      await this.handle.truncate(this.size).catch((truncateErr: Error) => {
        this.broken = truncateErr;
      });
      throw new StoreUnavailableError(`embedded store cannot write: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** Write `state` as the new snapshot, then empty the log. */
  async snapshot(state: KvState): Promise<void> {
    const file = path.join(this.dataDir, SNAPSHOT_FILE);
    const tmp = `${file}.tmp`;
    const handle = await fs.open(tmp, 'w', FILE_MODE);
    try {
      await handle.writeFile(encodeLine(state.snapshot()));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
    await fsyncDir(this.dataDir);
    await this.handle.truncate(0);
    await this.handle.sync();
    this.size = 0;
    this.recordsSinceSnapshot = 0;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function loadSnapshot(file: string): Promise<KvState> {
  const text = await readIfExists(file);
  if (text === undefined) return new KvState();
  try {
    if (!text.endsWith('\n')) throw new Error('incomplete file');
    const data = decodeLine(text.slice(0, -1));
    if (!isSnapshot(data)) throw new Error('not a snapshot');
    return KvState.fromSnapshot(data);
  } catch (err) {
    throw new StoreCorruptError(
      `embedded store snapshot ${file} is unreadable: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

async function replayLog(
  handle: fs.FileHandle,
  file: string,
  state: KvState,
  logger: Logger,
): Promise<{ size: number; replayed: number }> {
  const content = await handle.readFile();
  const end = content.lastIndexOf(0x0a) + 1;
  if (end < content.length) {
    logger.warn('embedded store log ends with a torn record; truncated', {
      file,
      offset: end,
      bytes: content.length - end,
    });
    await handle.truncate(end);
    await handle.sync();
  }
  const lines = content.subarray(0, end).toString('utf8').split('\n');
  lines.pop();
  const snapshotRevision = state.revision;
  let replayed = 0;
  lines.forEach((line, index) => {
    try {
      const record = decodeLine(line);
      if (!isLogRecord(record)) throw new Error('not a log record');
      if (replayed === 0 && record.r <= snapshotRevision) return;
      state.apply(record);
      replayed++;
    } catch (err) {
      throw new StoreCorruptError(
        `embedded store log ${file} is corrupt at line ${index + 1}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  });
  return { size: end, replayed };
}
