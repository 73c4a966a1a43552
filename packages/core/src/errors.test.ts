import fs from 'node:fs';
import path from 'node:path';
import * as errors from './errors';

const documented = fs.readFileSync(path.resolve(__dirname, '../../../docs/errors.md'), 'utf8');

const catalogue = Object.entries(errors).filter(
  ([name, value]) => name.startsWith('TOLLGATE_ERR_') && typeof value === 'function',
) as [string, new (...args: never[]) => errors.GatewayError][];

describe('error catalogue', () => {
  it('has entries', () => {
    expect(catalogue.length).toBeGreaterThan(0);
  });

  it.each(catalogue)('%s: export name equals code, documented, branded', (name, ErrorClass) => {
    const instance = new (ErrorClass as unknown as new (m: unknown) => errors.GatewayError)(1);
    expect(instance.code).toBe(name);
    expect(documented).toContain(`\`${name}\``);
    expect(errors.isGatewayError(instance)).toBe(true);
    expect(instance.status).toBeGreaterThanOrEqual(400);
  });

  it('does not brand ordinary errors', () => {
    expect(errors.isGatewayError(new Error('x'))).toBe(false);
    expect(errors.isGatewayError(undefined)).toBe(false);
  });
});
