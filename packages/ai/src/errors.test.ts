import { describeErrorCatalogue } from '@tollgate/testkit';
import * as errors from './errors';

describe('@tollgate/ai error catalogue', () => {
  describeErrorCatalogue(errors);

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
