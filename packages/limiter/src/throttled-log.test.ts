import { errorFields, throttledWarn } from './throttled-log';

describe('throttledWarn', () => {
  it('logs a message once per interval and counts what it held back', () => {
    let now = 0;
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const logger = {
      warn: (m: string, meta?: Record<string, unknown>) => lines.push([m, meta]),
      info: () => 0,
    };
    const warn = throttledWarn(logger, 1000, () => now);
    warn('down', { target: 'r' });
    warn('down', { target: 'r' });
    warn('other');
    now = 500;
    warn('down');
    now = 1000;
    warn('down', { target: 'r' });
    expect(lines).toEqual([
      ['down', { target: 'r' }],
      ['other', {}],
      ['down', { target: 'r', suppressed: 2 }],
    ]);
  });

  it('errorFields keeps name, code and message only', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(errorFields(err)).toEqual({
      name: 'Error',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED',
    });
    expect(errorFields('x')).toEqual({ message: 'x' });
  });
});
