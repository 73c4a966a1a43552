import { describeErrorCatalogue } from '@tollgate/testkit';
import * as errors from './errors';

describe('@tollgate/limiter error catalogue', () => {
  describeErrorCatalogue(errors);

  it('CounterStoreUnavailableError is a hidden 503 with its cause', () => {
    const cause = new Error('connect ECONNREFUSED');
    const err = new errors.CounterStoreUnavailableError('failed to charge counter', { cause });
    expect([err.status, err.expose, err.cause]).toEqual([503, false, cause]);
    expect(errors.isCounterStoreUnavailable(err)).toBe(true);
    expect(errors.isCounterStoreUnavailable(new Error('x'))).toBe(false);
  });
});
