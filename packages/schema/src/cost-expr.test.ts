import { compileCostExpr } from './cost-expr';

function syntaxError(src: string): string {
  try {
    compileCostExpr(src);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`expected ${src} to be rejected`);
}

describe('compileCostExpr', () => {
  it('evaluates arithmetic over usage fields with Lua precedence', () => {
    const vars = { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 8 };
    expect(
      compileCostExpr('input_tokens + cache_creation_input_tokens + output_tokens')(vars),
    ).toBe(128);
    expect(compileCostExpr('input_tokens * 0.5 + output_tokens * 2')(vars)).toBe(90);
    expect(compileCostExpr('(input_tokens + output_tokens) / 4')(vars)).toBe(30);
    expect(compileCostExpr('2 ^ 3 ^ 2')({})).toBe(512);
    expect(compileCostExpr('-2 ^ 2 + 10')({})).toBe(6);
    expect(compileCostExpr('2 ^ -1 * 4')({})).toBe(2);
    expect(compileCostExpr('10 - 2 - 3')({})).toBe(5);
    expect(compileCostExpr('-7 % 3')({})).toBe(2);
    expect(compileCostExpr('0x10 + 1e2 + .5')({})).toBe(117);
  });

  it('supports the sandbox math functions', () => {
    const vars = { a: 3.2, b: -7 };
    expect(compileCostExpr('max(a, 10, 4) + min(1, 2)')(vars)).toBe(11);
    expect(compileCostExpr('ceil(a) + floor(a) + abs(b)')(vars)).toBe(14);
    expect(compileCostExpr('math.max(a, 1) + math.sqrt(16) + math.floor(math.pi)')(vars)).toBe(10);
  });

  it('treats missing or non-numeric variables as 0', () => {
    const vars = { output_tokens: 5, weird: undefined } as Record<string, number | undefined>;
    expect(compileCostExpr('missing + output_tokens + weird')(vars)).toBe(5);
    expect(compileCostExpr('constructor + toString + __proto__')({})).toBe(0);
  });

  it('rounds half up and clamps negatives to 0, as APISIX does', () => {
    expect(compileCostExpr('a')({ a: 2.5 })).toBe(3);
    expect(compileCostExpr('a')({ a: 2.49 })).toBe(2);
    expect(compileCostExpr('a - 100')({ a: 1 })).toBe(0);
  });

  it('throws a RangeError on non-finite results (division by zero)', () => {
    const cost = compileCostExpr('input_tokens / output_tokens');
    expect(cost({ input_tokens: 10, output_tokens: 2 })).toBe(5);
    expect(() => cost({ input_tokens: 10 })).toThrow(RangeError);
    expect(() => cost({})).toThrow('cost_expr returned non-finite value');
    expect(() => compileCostExpr('a % 0')({ a: 1 })).toThrow(RangeError);
    expect(() => compileCostExpr('math.huge')({})).toThrow(RangeError);
  });

  it('reports syntax errors the way Lua words them', () => {
    expect(syntaxError('a +')).toBe('[string "cost_expr"]:1: unexpected symbol near <eof>');
    expect(syntaxError('a b')).toBe(`[string "cost_expr"]:1: '<eof>' expected near 'b'`);
    expect(syntaxError('(a + b')).toBe(`[string "cost_expr"]:1: ')' expected near <eof>`);
    expect(syntaxError('a $ b')).toBe(`[string "cost_expr"]:1: unexpected symbol near '$'`);
    expect(syntaxError('1..2')).toBe(`[string "cost_expr"]:1: malformed number near '1..2'`);
    expect(syntaxError('3x')).toBe(`[string "cost_expr"]:1: malformed number near '3x'`);
    expect(syntaxError('a +\n* b')).toBe(`[string "cost_expr"]:2: unexpected symbol near '*'`);
    expect(syntaxError('')).toBe('[string "cost_expr"]:1: unexpected symbol near <eof>');
  });

  it('never evaluates code: calls, keywords and strings are rejected', () => {
    expect(syntaxError('os.exit(1)')).toMatch(/'<eof>' expected near '\.'/);
    expect(syntaxError('require(1)')).toBe(`[string "cost_expr"]:1: unknown function 'require'`);
    expect(syntaxError('constructor(1)')).toBe(
      `[string "cost_expr"]:1: unknown function 'constructor'`,
    );
    expect(syntaxError('a and b or c')).toMatch(/'<eof>' expected near 'and'/);
    expect(syntaxError('nil')).toMatch(/unexpected symbol near 'nil'/);
    expect(syntaxError('"1" + 1')).toMatch(/unexpected symbol near '"'/);
    expect(syntaxError('abs + 1')).toBe(`[string "cost_expr"]:1: function 'abs' must be called`);
    expect(syntaxError('max()')).toBe(`[string "cost_expr"]:1: wrong number of arguments to 'max'`);
    expect(syntaxError('math.exit(1)')).toBe(`[string "cost_expr"]:1: unknown function 'exit'`);
    expect(syntaxError('a // 2')).toMatch(/unexpected symbol near '\/'/);
  });

  it('ignores Lua comments', () => {
    expect(compileCostExpr('a -- charge prompt tokens only')({ a: 4 })).toBe(4);
  });
});
