import { parseAuthorization } from './parse-authorization';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseAuthorization', () => {
  it('reads user name and password', () => {
    expect(parseAuthorization('Basic Zm9vOmJhcg==')).toEqual({
      ok: true,
      username: 'foo',
      password: 'bar',
    });
  });

  it('removes whitespace from both parts (APISIX TEST 9: "bar:bar\\n")', () => {
    expect(parseAuthorization('Basic YmFyOmJhcgo=')).toEqual({
      ok: true,
      username: 'bar',
      password: 'bar',
    });
    expect(parseAuthorization(`Basic ${b64(' f o o : b a r ')}`)).toMatchObject({
      username: 'foo',
      password: 'bar',
    });
  });

  it('keeps only the second part as the password, as APISIX splits on every colon', () => {
    expect(parseAuthorization(`Basic ${b64('foo:bar:baz')}`)).toMatchObject({ password: 'bar' });
  });

  it('accepts base64 without padding', () => {
    expect(parseAuthorization(`Basic ${b64('foo:bar').replace(/=+$/, '')}`)).toMatchObject({
      ok: true,
      password: 'bar',
    });
  });

  it.each([
    ['Bad_header YmFyOmJhcgo=', 'Invalid authorization header format'],
    ['basic Zm9vOmJhcg==', 'Invalid authorization header format'],
    ['Basic ', 'Invalid authorization header format'],
    ['Basic aca_a', 'Failed to decode authentication header'],
    ['Basic YmFy', 'Split authorization err: invalid decoded data'],
  ])('refuses %j (%s)', (header, reason) => {
    expect(parseAuthorization(header)).toEqual({ ok: false, reason });
  });
});
