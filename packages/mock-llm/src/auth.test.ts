import { isAuthorised, presentedKeys } from './auth';

describe('auth', () => {
  const q = (s: string) => new URLSearchParams(s);

  it('collects bearer, x-api-key, api-key and query keys', () => {
    expect(
      presentedKeys(
        { authorization: 'Bearer a', 'x-api-key': 'b', 'api-key': 'c' },
        q('api_key=d&key=e'),
      ),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('lets everything through without keys, else needs one of them', () => {
    expect(isAuthorised(undefined, {}, q(''))).toBe(true);
    expect(isAuthorised([], {}, q(''))).toBe(true);
    expect(isAuthorised(['k'], {}, q(''))).toBe(false);
    expect(isAuthorised(['k'], { authorization: 'Bearer wrong' }, q(''))).toBe(false);
    expect(isAuthorised(['k'], { authorization: 'bearer k' }, q(''))).toBe(true);
    expect(isAuthorised(['k'], {}, q('api_key=k'))).toBe(true);
    expect(isAuthorised(['k'], {}, q('key=k'))).toBe(true);
    expect(isAuthorised(['k'], { authorization: 'Basic k' }, q(''))).toBe(false);
  });
});
