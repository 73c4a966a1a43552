/**
 * @module cost-expr
 * `cost_expr` of ai-rate-limiting (`limit_strategy: expression`): APISIX compiles it as Lua
 * (`return <expr>` in a sandbox with abs/ceil/floor/max/min). We accept the arithmetic subset
 * of Lua instead of evaluating code: numbers, usage-field names, `+ - * / % ^`, unary minus,
 * parentheses and calls to abs, ceil, floor, max, min (also as `math.<fn>`, plus math.sqrt,
 * math.pi, math.huge). Nothing is ever passed to eval/Function. Syntax errors read like Lua's
 * (`[string "cost_expr"]:1: unexpected symbol near '+'`).
 */
import { ownValue, SchemaCheckError } from '@tollgate/core';

/** Usage fields by bare name (APISIX flattens the provider's raw usage object). */
export type CostExprVars = Readonly<Record<string, number | undefined>>;
/** A compiled cost expression. */
export type CostExprFn = (vars: CostExprVars) => number;

type Node = (vars: CostExprVars) => number;
interface Token {
  kind: 'num' | 'name' | 'op' | 'eof';
  text: string;
  value: number;
  line: number;
}

const KEYWORDS = new Set(
  'and break do else elseif end false for function goto if in local nil not or repeat return then true until while'.split(
    ' ',
  ),
);
interface MathFn {
  min: number;
  max: number;
  fn: (...a: number[]) => number;
}
const FUNCTIONS: Readonly<Record<string, MathFn>> = {
  abs: { min: 1, max: 1, fn: Math.abs },
  ceil: { min: 1, max: 1, fn: Math.ceil },
  floor: { min: 1, max: 1, fn: Math.floor },
  max: { min: 1, max: Infinity, fn: Math.max },
  min: { min: 1, max: Infinity, fn: Math.min },
  sqrt: { min: 1, max: 1, fn: Math.sqrt },
};
const MATH_CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, huge: Infinity };

const NUMBER_RE = /^(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/;

/** Lua's lexer reads a numeral up to the next non-name character (and a sign after an exponent). */
function readNumeral(s: string): string {
  const hex = /^0[xX]/.test(s);
  let j = 0;
  while (j < s.length) {
    const c = s.charAt(j);
    const sign = (c === '+' || c === '-') && !hex && /[eE]/.test(s.charAt(j - 1));
    if (!/[0-9a-zA-Z_.]/.test(c) && !sign) break;
    j++;
  }
  return s.slice(0, j);
}

function syntaxError(line: number, msg: string): SchemaCheckError {
  return new SchemaCheckError(`[string "cost_expr"]:${line}: ${msg}`);
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const ch = src.charAt(i);
    if (ch === '\n') line++;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (src.startsWith('--', i)) {
      while (i < src.length && src.charAt(i) !== '\n') i++;
      continue;
    }
    const rest = src.slice(i);
    if (/\d/.test(ch) || (ch === '.' && /\d/.test(rest.charAt(1)))) {
      const text = readNumeral(rest);
      if (!NUMBER_RE.test(text)) throw syntaxError(line, `malformed number near '${text}'`);
      tokens.push({ kind: 'num', text, value: Number(text), line });
      i += text.length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], value: 0, line });
      i += name[0].length;
      continue;
    }
    if ('+-*/%^(),.'.includes(ch)) {
      tokens.push({ kind: 'op', text: ch, value: 0, line });
      i++;
      continue;
    }
    throw syntaxError(line, `unexpected symbol near '${ch}'`);
  }
  tokens.push({ kind: 'eof', text: '<eof>', value: 0, line });
  return tokens;
}

function near(t: Token): string {
  return t.kind === 'eof' ? 'near <eof>' : `near '${t.text}'`;
}

/** Lua's `%`: the result takes the sign of the divisor. */
function luaMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

function parse(tokens: Token[]): Node {
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? (tokens[tokens.length - 1] as Token);
  const next = (): Token => {
    const t = peek();
    pos = Math.min(pos + 1, tokens.length - 1);
    return t;
  };
  const isOp = (text: string): boolean => peek().kind === 'op' && peek().text === text;
  const expect = (text: string): void => {
    if (!isOp(text)) throw syntaxError(peek().line, `'${text}' expected ${near(peek())}`);
    next();
  };

  const call = (name: string, t: Token): Node => {
    const def = ownValue(FUNCTIONS, name);
    if (!def) throw syntaxError(t.line, `unknown function '${name}'`);
    if (!isOp('(')) throw syntaxError(t.line, `function '${name}' must be called`);
    next();
    const args: Node[] = [];
    if (!isOp(')')) {
      args.push(additive());
      while (isOp(',')) {
        next();
        args.push(additive());
      }
    }
    expect(')');
    if (args.length < def.min || args.length > def.max) {
      throw syntaxError(t.line, `wrong number of arguments to '${name}'`);
    }
    return (vars) => def.fn(...args.map((a) => a(vars)));
  };

  const primary = (): Node => {
    const t = next();
    if (t.kind === 'num') return () => t.value;
    if (t.kind === 'op' && t.text === '(') {
      const inner = additive();
      expect(')');
      return inner;
    }
    if (t.kind === 'name' && !KEYWORDS.has(t.text)) {
      if (t.text === 'math' && isOp('.')) {
        next();
        const member = next();
        if (member.kind !== 'name')
          throw syntaxError(member.line, `<name> expected ${near(member)}`);
        const constant = ownValue(MATH_CONSTANTS, member.text);
        return constant !== undefined ? () => constant : call(member.text, member);
      }
      if (ownValue(FUNCTIONS, t.text) && t.text !== 'sqrt') return call(t.text, t);
      if (isOp('(')) throw syntaxError(t.line, `unknown function '${t.text}'`);
      const key = t.text;
      return (vars) => {
        const v = Object.hasOwn(vars, key) ? vars[key] : undefined;
        return typeof v === 'number' ? v : 0;
      };
    }
    throw syntaxError(t.line, `unexpected symbol ${near(t)}`);
  };

  const power = (): Node => {
    const base = primary();
    if (!isOp('^')) return base;
    next();
    const exponent = unary();
    return (vars) => Math.pow(base(vars), exponent(vars));
  };

  const unary = (): Node => {
    if (!isOp('-')) return power();
    next();
    const operand = unary();
    return (vars) => -operand(vars);
  };

  const multiplicative = (): Node => {
    let left = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = next().text;
      const l = left;
      const r = unary();
      left =
        op === '*'
          ? (v) => l(v) * r(v)
          : op === '/'
            ? (v) => l(v) / r(v)
            : (v) => luaMod(l(v), r(v));
    }
    return left;
  };

  function additive(): Node {
    let left = multiplicative();
    while (isOp('+') || isOp('-')) {
      const op = next().text;
      const l = left;
      const r = multiplicative();
      left = op === '+' ? (v) => l(v) + r(v) : (v) => l(v) - r(v);
    }
    return left;
  }

  const root = additive();
  if (peek().kind !== 'eof') throw syntaxError(peek().line, `'<eof>' expected ${near(peek())}`);
  return root;
}

/**
 * Compiles a cost expression. Throws SchemaCheckError with a Lua-style message when it is not
 * valid. The returned function follows APISIX's evaluation: missing or non-numeric variables are
 * 0, a negative result is 0, the result is rounded half up; a non-finite result (e.g. division by
 * zero) throws a RangeError, and APISIX then charges nothing.
 * @example
 * const cost = compileCostExpr('input_tokens + cache_creation_input_tokens * 1.25 + output_tokens');
 * cost({ input_tokens: 100, output_tokens: 20 }); // 120
 */
export function compileCostExpr(src: string): CostExprFn {
  const root = parse(tokenize(src));
  return (vars) => {
    const result = root(vars);
    if (!Number.isFinite(result)) throw new RangeError('cost_expr returned non-finite value');
    return result < 0 ? 0 : Math.floor(result + 0.5);
  };
}
