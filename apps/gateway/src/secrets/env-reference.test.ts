import type * as EnvReference from './env-reference';

process.env.SECRETS_TEST_PLAIN = 'plain-value';
process.env.SECRETS_TEST_JSON = '{"auth-key":"abc","n":1}';
process.env.TOLLGATE_SECRETS_TEST_OWN = 'never';

// The snapshot is taken when the module loads, after the variables above are set.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolveEnvReference } = require('./env-reference') as typeof EnvReference;

describe('$env:// references (APISIX core/env.lua)', () => {
  it.each([
    ['$env://SECRETS_TEST_PLAIN', 'plain-value'],
    ['$ENV://SECRETS_TEST_PLAIN', 'plain-value'],
    ['$env://SECRETS_TEST_PLAIN/', 'plain-value'],
    ['$env://SECRETS_TEST_JSON/auth-key', 'abc'],
    ['$env://SECRETS_TEST_JSON/n', undefined],
    ['$env://SECRETS_TEST_JSON/constructor', undefined],
    ['$env://SECRETS_TEST_UNSET', undefined],
    ['$env://TOLLGATE_SECRETS_TEST_OWN', undefined],
    ['SECRETS_TEST_PLAIN', undefined],
  ])('%s → %s', (reference, value) => {
    expect(resolveEnvReference(reference)).toBe(value);
  });

  it('reads the environment as it was at start', () => {
    process.env.SECRETS_TEST_LATE = 'late';
    expect(resolveEnvReference('$env://SECRETS_TEST_LATE')).toBeUndefined();
  });

  it('refuses a field of a variable that is not JSON, without quoting it', () => {
    expect(() => resolveEnvReference('$env://SECRETS_TEST_PLAIN/x')).toThrow(
      'the variable does not hold JSON',
    );
  });
});
