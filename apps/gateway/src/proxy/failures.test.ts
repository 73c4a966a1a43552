import { errorPage, failureStatus, mayRetry } from './failures';

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe('failure classification', () => {
  it('maps timeouts to 504 and other errors to 502', () => {
    expect(failureStatus(withCode('UND_ERR_HEADERS_TIMEOUT'))).toBe(504);
    expect(failureStatus(withCode('UND_ERR_CONNECT_TIMEOUT'))).toBe(504);
    expect(failureStatus(withCode('ECONNREFUSED'))).toBe(502);
    expect(failureStatus(withCode('UND_ERR_SOCKET'))).toBe(502);
    expect(failureStatus(withCode('ENOTFOUND'))).toBe(502);
  });

  it('retries like proxy_next_upstream error timeout', () => {
    const reset = withCode('ECONNRESET');
    expect(mayRetry('connect', withCode('ECONNREFUSED'), 'POST', false)).toBe(true);
    expect(mayRetry('sent', reset, 'GET', true)).toBe(true);
    expect(mayRetry('sent', reset, 'PUT', false)).toBe(false);
    expect(mayRetry('sent', reset, 'POST', true)).toBe(false);
    expect(mayRetry('sent', reset, 'PATCH', true)).toBe(false);
    expect(mayRetry('response', reset, 'GET', true)).toBe(false);
    expect(mayRetry('connect', withCode('UND_ERR_INVALID_ARG'), 'GET', true)).toBe(false);
  });

  it('renders nginx-like pages', () => {
    expect(errorPage(502)).toBe(
      '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
    );
  });
});
