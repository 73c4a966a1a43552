/**
 * @module expr
 * APISIX's `vars` expressions (lua-resty-expr semantics): a list of rules `[var, op, value]`,
 * `[var, '!', op, value]` (negated), nested lists, and logical groups `['AND'|'OR'|'!AND'|'!OR',
 * rule, rule, ...]`. A top-level list of rules is an AND. Compiled once per config change, evaluated
 * per request against a variable lookup.
 *
 * @example
 * const matches = compileExpr([['arg_name', '==', 'json'], ['http_x', '~~', '^a']]);
 * matches((name) => vars[name]); // boolean
 */
import net from 'node:net';

/** Looks up a request variable (`arg_x`, `http_x`, `cookie_x`, `uri`, ...). */
export type VarLookup = (name: string) => unknown;
/** A compiled expression. */
export type ExprMatcher = (lookup: VarLookup) => boolean;

/** Thrown by compileExpr with lua-resty-expr's error texts. */
export class ExprError extends Error {}

type Compare = (left: unknown, right: unknown) => boolean;

const LOGIC_OPS = new Set(['AND', 'OR', '!AND', '!OR']);
const COMPARE_OPS = new Set(['==', '~=', '>', '>=', '<', '<=', '~~', '~*', 'in', 'has', 'ipmatch']);

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isNaN(n) ? undefined : n;
}

function numeric(test: (l: number, r: number) => boolean): Compare {
  return (left, right) => {
    const l = toNumber(left);
    const r = toNumber(right);
    return l !== undefined && r !== undefined && test(l, r);
  };
}

function loosePrimitive(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** Builds the comparison for `op`, precompiling what depends on the right-hand value. */
function comparison(op: string, right: unknown): Compare | undefined {
  switch (op) {
    case '==':
      return (l) =>
        typeof right === 'number' ? toNumber(l) === right : l === loosePrimitive(right);
    case '~=':
      return (l) =>
        typeof right === 'number' ? toNumber(l) !== right : l !== loosePrimitive(right);
    case '>':
      return numeric((l, r) => l > r);
    case '>=':
      return numeric((l, r) => l >= r);
    case '<':
      return numeric((l, r) => l < r);
    case '<=':
      return numeric((l, r) => l <= r);
    case '~~':
    case '~*': {
      if (typeof right !== 'string') throw new ExprError(`invalid regex for operator '${op}'`);
      let re: RegExp;
      try {
        re = new RegExp(right, op === '~*' ? 'i' : '');
      } catch (err) {
        throw new ExprError(`failed to compile regex '${right}': ${(err as Error).message}`);
      }
      return (l) => typeof l === 'string' && re.test(l);
    }
    case 'in':
      return (l) => Array.isArray(right) && right.some((v) => v === l);
    case 'has':
      return (l) => Array.isArray(l) && l.some((v) => v === right);
    case 'ipmatch': {
      const list = new net.BlockList();
      for (const cidr of Array.isArray(right) ? right : [right]) {
        if (typeof cidr !== 'string') throw new ExprError(`invalid ip address: ${String(cidr)}`);
        addCidr(list, cidr);
      }
      return (l) =>
        typeof l === 'string' &&
        net.isIP(l) !== 0 &&
        list.check(l, net.isIPv6(l) ? 'ipv6' : 'ipv4');
    }
    default:
      return undefined;
  }
}

/** Add an IP or CIDR to a BlockList; throws ExprError on a malformed one. */
export function addCidr(list: net.BlockList, cidr: string): void {
  const [ip = '', bits] = cidr.split('/');
  const family = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : undefined;
  if (!family) throw new ExprError(`invalid ip address: ${cidr}`);
  if (bits === undefined) {
    list.addAddress(ip, family);
    return;
  }
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) {
    throw new ExprError(`invalid ip address: ${cidr}`);
  }
  list.addSubnet(ip, prefix, family);
}

function compileRule(rule: unknown[]): ExprMatcher {
  let negate = false;
  let [name, op, right] = rule;
  if (rule.length === 4) {
    if (rule[1] !== '!') throw new ExprError("bad 'not' expression");
    negate = true;
    [name, , op, right] = rule;
  }
  if (typeof op !== 'string' && op !== undefined && right !== undefined) {
    // lua-resty-expr names a non-string operator as written (`invalid operator '123'`).
    throw new ExprError(`invalid operator '${JSON.stringify(op) ?? typeof op}'`);
  }
  let opName = typeof op === 'string' ? op.toLowerCase() : undefined;
  if (right === undefined && (opName === undefined || !COMPARE_OPS.has(opName))) {
    // Two-element rules `[var, value]` mean `==` (lua-resty-expr compatibility).
    right = op;
    opName = '==';
    if (right === undefined) throw new ExprError('invalid expression');
  }
  if (typeof name !== 'string' || opName === undefined) throw new ExprError('invalid expression');
  const compare = comparison(opName, right);
  if (!compare) throw new ExprError(`invalid operator '${opName}'`);
  const varName = name;
  return (lookup) => compare(lookup(varName), right) !== negate;
}

function compileList(rules: unknown[]): ExprMatcher {
  if (rules.length === 0) throw new ExprError('rule too short');
  const first = rules[0];
  if (Array.isArray(first)) {
    const parts = rules.map((r) => {
      if (!Array.isArray(r)) throw new ExprError('invalid expression');
      return compileList(r);
    });
    return (lookup) => parts.every((p) => p(lookup));
  }
  const logic = typeof first === 'string' ? first.toUpperCase() : '';
  if (LOGIC_OPS.has(logic)) {
    if (rules.length <= 2) throw new ExprError('rule too short');
    const parts = rules.slice(1).map((r) => {
      if (!Array.isArray(r)) throw new ExprError('invalid expression');
      return compileList(r);
    });
    const any = (lookup: VarLookup) => parts.some((p) => p(lookup));
    const all = (lookup: VarLookup) => parts.every((p) => p(lookup));
    if (logic === 'AND') return all;
    if (logic === 'OR') return any;
    if (logic === '!AND') return (lookup) => !all(lookup);
    return (lookup) => !any(lookup);
  }
  return compileRule(rules);
}

/**
 * Compile a `vars` expression. Throws ExprError with lua-resty-expr's messages
 * (`rule should be wrapped inside brackets`, `invalid operator 'x'`, `rule too short`, ...).
 */
export function compileExpr(rules: unknown): ExprMatcher {
  if (!Array.isArray(rules)) throw new ExprError('missing argument rule');
  if (rules.length === 0) return () => true;
  const first: unknown = rules[0];
  if (!Array.isArray(first) && !(typeof first === 'string' && LOGIC_OPS.has(first.toUpperCase()))) {
    throw new ExprError('rule should be wrapped inside brackets');
  }
  return compileList(rules);
}
