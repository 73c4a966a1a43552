import { compileExpr, ExprError } from './expr';

const lookupOf = (vars: Record<string, unknown>) => (name: string) => vars[name];

describe('compileExpr', () => {
  it.each([
    [[['arg_k', '==', 'v']], { arg_k: 'v' }, true],
    [[['arg_k', '==', 'v']], { arg_k: 'w' }, false],
    [[['arg_k', 'v']], { arg_k: 'v' }, true],
    [[['arg_n', '==', 5]], { arg_n: '5' }, true],
    [[['arg_n', '~=', 5]], { arg_n: 'x' }, true],
    [[['arg_n', '>', 5]], { arg_n: '6' }, true],
    [[['arg_n', '>', 5]], { arg_n: 'x' }, false],
    [[['arg_n', '>=', 5]], { arg_n: '5' }, true],
    [[['arg_n', '<', 5]], { arg_n: '4' }, true],
    [[['arg_n', '<=', 5]], { arg_n: '6' }, false],
    [[['http_ua', '~~', '^curl']], { http_ua: 'curl/8' }, true],
    [[['http_ua', '~*', '^CURL']], { http_ua: 'curl/8' }, true],
    [[['http_ua', '~~', '^CURL']], { http_ua: 'curl/8' }, false],
    [[['arg_k', 'in', ['a', 'b']]], { arg_k: 'b' }, true],
    [[['arg_k', 'has', 'a']], { arg_k: ['a', 'c'] }, true],
    [[['arg_k', '!', '==', 'v']], { arg_k: 'v' }, false],
    [[['remote_addr', 'ipmatch', ['10.0.0.0/8']]], { remote_addr: '10.1.2.3' }, true],
    [['OR', ['arg_a', '==', '1'], ['arg_b', '==', '1']], { arg_b: '1' }, true],
    [['AND', ['arg_a', '==', '1'], ['arg_b', '==', '1']], { arg_b: '1' }, false],
    [['!AND', ['arg_a', '==', '1'], ['arg_b', '==', '1']], { arg_b: '1' }, true],
    [['!OR', ['arg_a', '==', '1'], ['arg_b', '==', '1']], { arg_b: '1' }, false],
    [
      [
        ['arg_a', '==', '1'],
        ['OR', ['arg_b', '==', '1'], ['arg_c', '==', '1']],
      ],
      { arg_a: '1', arg_c: '1' },
      true,
    ],
    [[], {}, true],
  ])('%j against %j is %s', (rules, vars, expected) => {
    expect(compileExpr(rules)(lookupOf(vars))).toBe(expected);
  });

  it.each([
    [['arg_k', '==', 'v'], 'rule should be wrapped inside brackets'],
    [[['arg_k', 'bogus', 'v']], "invalid operator 'bogus'"],
    [[['arg_name', 123, 'jack']], "invalid operator '123'"],
    [['AND', ['arg_k', '==', 'v']], 'rule too short'],
    [[['arg_k', 'x', '==', 'v']], "bad 'not' expression"],
    [[['http_ua', '~~', '(']], "failed to compile regex '('"],
    ['not-an-array', 'missing argument rule'],
  ])('rejects %j with "%s"', (rules, message) => {
    expect(() => compileExpr(rules)).toThrow(ExprError);
    expect(() => compileExpr(rules)).toThrow(message);
  });
});
