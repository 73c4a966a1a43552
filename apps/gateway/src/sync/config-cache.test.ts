import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '@tollgate/core';
import { ConfigCacheWriter, readConfigCache, type CachedConfig } from './config-cache';

let dir: string;
const warnings: unknown[] = [];
const log = { warn: (...args: unknown[]) => void warnings.push(args) } as unknown as Logger;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cache-unit-'));
  warnings.length = 0;
});

afterEach(() => {
  jest.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ConfigCacheWriter', () => {
  it('writes a burst of changes once, after the delay, and round-trips', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const file = path.join(dir, 'sub', 'cache.json');
    let snapshots = 0;
    const snapshot = (): CachedConfig => {
      snapshots++;
      return { revision: 40 + snapshots, items: [['routes/1', '{"uri":"/a"}']] };
    };
    const writer = new ConfigCacheWriter(file, '/apisix', snapshot, log, 200);

    for (let i = 0; i < 50; i++) writer.changed();
    jest.advanceTimersByTime(199);
    expect(snapshots).toBe(0);
    jest.advanceTimersByTime(1);
    jest.useRealTimers();
    await writer.flush();

    expect(snapshots).toBe(1);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await expect(readConfigCache(file, '/apisix', log)).resolves.toEqual({
      revision: 41,
      items: [['routes/1', '{"uri":"/a"}']],
    });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cache.json']);
  });

  it('flush() writes a pending change at once, and nothing when nothing changed', async () => {
    const file = path.join(dir, 'cache.json');
    let snapshots = 0;
    const writer = new ConfigCacheWriter(
      file,
      '/apisix',
      () => ({ revision: ++snapshots, items: [] }),
      log,
      60_000,
    );
    await writer.flush();
    expect(fs.existsSync(file)).toBe(false);
    writer.changed();
    await writer.flush();
    expect(snapshots).toBe(1);
    expect(fs.existsSync(file)).toBe(true);
  });

  it('warns and goes on when the file cannot be written', async () => {
    const blocker = path.join(dir, 'not-a-dir');
    fs.writeFileSync(blocker, '');
    const writer = new ConfigCacheWriter(
      path.join(blocker, 'cache.json'),
      '/apisix',
      () => ({ revision: 1, items: [] }),
      log,
    );
    writer.changed();
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(warnings).toEqual([['config cache write failed', expect.any(Object)]]);
  });
});

describe('readConfigCache', () => {
  it.each([
    ['garbage', 'not valid JSON'],
    ['[1]', 'unknown format'],
    [
      '{"format":"tollgate-config-cache/1","prefix":"/apisix","revision":-1,"items":[]}',
      'bad revision',
    ],
    [
      '{"format":"tollgate-config-cache/1","prefix":"/apisix","revision":1,"items":[["a",{}]]}',
      'bad items',
    ],
  ])('ignores %s (%s)', async (text, reason) => {
    const file = path.join(dir, 'cache.json');
    fs.writeFileSync(file, text);
    await expect(readConfigCache(file, '/apisix', log)).resolves.toBeUndefined();
    expect(warnings).toEqual([['config cache ignored', { file, reason }]]);
  });

  it('is silent when there is no file', async () => {
    await expect(readConfigCache(path.join(dir, 'none'), '/apisix', log)).resolves.toBeUndefined();
    expect(warnings).toEqual([]);
  });
});
