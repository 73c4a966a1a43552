/**
 * @module file-logger/file-writer
 * One append stream per log file path per worker. Each entry is written as one JSON line in a
 * single write. A file that was moved or removed (log rotation) is noticed by its inode, checked
 * at most once a second when a line is written, and opened again at the configured path.
 */
import fs from 'node:fs';
import { createLogger } from '@tollgate/core';

const log = createLogger('file-logger');

/** How often a path is checked for rotation. */
const ROTATION_CHECK_MS = 1000;

interface OpenFile {
  stream: fs.WriteStream;
  /** Inode of the file the stream writes to. */
  ino: number;
  checkedAt: number;
  failed: boolean;
}

/** Append streams by path. */
export class FileWriter {
  private readonly files = new Map<string, OpenFile>();

  /** Append `line` (newline added) to `path`, opening or reopening the file as needed. */
  write(path: string, line: string): void {
    this.fileFor(path)?.stream.write(`${line}\n`);
  }

  /** Close every stream, waiting for pending writes. */
  async close(): Promise<void> {
    const all = [...this.files.values()];
    this.files.clear();
    await Promise.all(
      all.map((f) => new Promise<void>((resolve) => f.stream.end(() => resolve()))),
    );
  }

  private fileFor(path: string): OpenFile | undefined {
    const now = Date.now();
    let file = this.files.get(path);
    if (file && !file.failed && now - file.checkedAt >= ROTATION_CHECK_MS) {
      file.checkedAt = now;
      if (this.rotated(path, file)) {
        log.info('reopen cached log file', { path });
        file.stream.end();
        file = undefined;
      }
    }
    if (!file || file.failed) file = this.open(path, now);
    return file;
  }

  /** True when `path` no longer names the file the stream writes to. */
  private rotated(path: string, file: OpenFile): boolean {
    try {
      return fs.statSync(path).ino !== file.ino;
    } catch {
      return true;
    }
  }

  /**
   * Open `path` for appending. Opened synchronously (once per file, and after a rotation) so the
   * inode is known at once; a path that cannot be opened is retried on the next line.
   */
  private open(path: string, now: number): OpenFile | undefined {
    let fd: number;
    let ino: number;
    try {
      fd = fs.openSync(path, 'a');
      ino = fs.fstatSync(fd).ino;
    } catch (err) {
      this.files.delete(path);
      log.error(`failed to open file: ${path}, error info: ${(err as Error).message}`);
      return undefined;
    }
    const stream = fs.createWriteStream(path, { fd, flags: 'a' });
    const file: OpenFile = { stream, ino, checkedAt: now, failed: false };
    stream.on('error', (err) => {
      file.failed = true;
      log.error(`failed to write file: ${path}, error info: ${err.message}`);
    });
    this.files.set(path, file);
    return file;
  }
}
