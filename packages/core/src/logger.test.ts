import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, redact, rootLogger } from './logger';

describe('redact', () => {
  it('replaces secret-looking values at any depth and keeps the rest', () => {
    const out = redact({
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      redis_password: 'pw',
      list: [{ api_key: 'k', name: 'n' }],
    });
    expect(out).toEqual({
      headers: { authorization: '[REDACTED]', 'content-type': 'application/json' },
      redis_password: '[REDACTED]',
      list: [{ api_key: '[REDACTED]', name: 'n' }],
    });
  });
});

describe('errors in log fields (issue 9: a 500 logged an empty err)', () => {
  const boom = () =>
    Object.assign(new Error('disk on fire', { cause: new Error('EIO: i/o error') }), {
      code: 'EIO',
    });

  it('redact keeps name, code, message, stack and cause', () => {
    expect(redact({ err: boom() })).toEqual({
      err: {
        name: 'Error',
        message: 'disk on fire',
        code: 'EIO',
        stack: expect.stringContaining('disk on fire'),
        cause: expect.objectContaining({ name: 'Error', message: 'EIO: i/o error' }),
      },
    });
  });

  it('a logged line carries them', async () => {
    const lines: string[] = [];
    const sink = new winston.transports.Stream({
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const root = rootLogger();
    const others = [...root.transports];
    for (const t of others) t.silent = true;
    root.add(sink);
    try {
      const logged = new Promise((resolve) => sink.once('logged', resolve));
      createLogger('admin-api').error('admin request crashed', { err: boom() });
      await logged;
    } finally {
      root.remove(sink);
      for (const t of others) t.silent = false;
    }
    const line = JSON.parse(lines.join('')) as { msg: string; err: Record<string, unknown> };
    expect(line.msg).toBe('admin request crashed');
    expect(line.err).toMatchObject({ name: 'Error', message: 'disk on fire', code: 'EIO' });
    expect(line.err.stack).toEqual(expect.stringContaining('logger.test.ts'));
  });
});
