import fs from 'node:fs';
import path from 'node:path';
import { isGatewayError, type GatewayError } from '@tollgate/core';
import * as errors from './errors';

const documented = fs.readFileSync(path.resolve(__dirname, '../../../docs/errors.md'), 'utf8');

const catalogue = Object.entries(errors).filter(
  ([name, value]) => name.startsWith('TOLLGATE_ERR_') && typeof value === 'function',
) as [string, new (m: unknown) => GatewayError][];

describe('@tollgate/ai error catalogue', () => {
  it.each(catalogue)('%s: export name equals code, documented, branded', (name, ErrorClass) => {
    const instance = new ErrorClass('x');
    expect(instance.code).toBe(name);
    expect(documented).toContain(`\`${name}\``);
    expect(isGatewayError(instance)).toBe(true);
    expect(instance.status).toBeGreaterThanOrEqual(400);
  });

  it('transport errors carry kind, status and beforeResponse', () => {
    const connect = new errors.UpstreamConnectError('refused');
    const timeout = new errors.UpstreamTimeoutError('slow', { beforeResponse: false });
    const reset = new errors.UpstreamResetError('reset');
    expect([connect.kind, connect.status, connect.beforeResponse]).toEqual(['connect', 500, true]);
    expect([timeout.kind, timeout.status, timeout.beforeResponse]).toEqual(['timeout', 504, false]);
    expect([reset.kind, reset.status]).toEqual(['reset', 500]);
    expect(errors.isUpstreamTransportError(reset)).toBe(true);
    expect(errors.isUpstreamTransportError(new errors.ProviderNotImplementedError('x'))).toBe(
      false,
    );
    expect(errors.isUpstreamTransportError(new Error('x'))).toBe(false);
  });
});
