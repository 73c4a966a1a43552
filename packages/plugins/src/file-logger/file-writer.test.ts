import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileWriter } from './file-writer';

describe('FileWriter', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-writer-'));
  });

  afterEach(() => {
    jest.useRealTimers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('appends one line per write to an existing file', async () => {
    const file = path.join(dir, 'a.log');
    fs.writeFileSync(file, 'old\n');
    const writer = new FileWriter();
    writer.write(file, '{"n":1}');
    writer.write(file, '{"n":2}');
    await writer.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('old\n{"n":1}\n{"n":2}\n');
  });

  it('opens the path again once the file was moved away (rotation)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const file = path.join(dir, 'b.log');
    const writer = new FileWriter();
    writer.write(file, 'one');
    fs.renameSync(file, `${file}.1`);
    jest.setSystemTime(Date.now() + 1500);
    writer.write(file, 'two');
    await writer.close();
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe('one\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('two\n');
  });
});
