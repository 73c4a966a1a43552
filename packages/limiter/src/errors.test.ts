import fs from 'node:fs';
import path from 'node:path';
import { isGatewayError, type GatewayError } from '@tollgate/core';
import * as errors from './errors';

const documented = fs.readFileSync(path.resolve(__dirname, '../../../docs/errors.md'), 'utf8');

const catalogue = Object.entries(errors).filter(
  ([name, value]) => name.startsWith('TOLLGATE_ERR_') && typeof value === 'function',
) as [string, new (m: string) => GatewayError][];

describe('@tollgate/limiter error catalogue', () => {
  it.each(catalogue)('%s: export name equals code, documented, branded', (name, ErrorClass) => {
    const instance = new ErrorClass('x');
    expect(instance.code).toBe(name);
    expect(documented).toContain(`\`${name}\``);
    expect(isGatewayError(instance)).toBe(true);
    expect(instance.status).toBeGreaterThanOrEqual(400);
  });

  it('CounterStoreUnavailableError is a hidden 503 with its cause', () => {
    const cause = new Error('connect ECONNREFUSED');
    const err = new errors.CounterStoreUnavailableError('failed to charge counter', { cause });
    expect([err.status, err.expose, err.cause]).toEqual([503, false, cause]);
    expect(errors.isCounterStoreUnavailable(err)).toBe(true);
    expect(errors.isCounterStoreUnavailable(new Error('x'))).toBe(false);
  });
});
