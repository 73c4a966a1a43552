import { checkTrafficSplit } from './traffic-split';

describe('checkTrafficSplit', () => {
  it('refuses vars that do not compile, with APISIX text (traffic-split.t TEST 3)', () => {
    expect(
      checkTrafficSplit({
        rules: [{ match: [{ vars: [['arg_name', 123, 'jack']] }], weighted_upstreams: [] }],
      }),
    ).toBe("failed to validate the 'vars' expression: invalid operator '123'");
  });

  it('accepts compiling vars and conditions without vars', () => {
    expect(
      checkTrafficSplit({
        rules: [{ match: [{ vars: [['arg_name', '==', 'jack']] }, {}] }, {}],
      }),
    ).toBeUndefined();
    expect(checkTrafficSplit({})).toBeUndefined();
  });
});
