// Rule `tollgate/own-keys-only` (issue 9): a key computed at run time must not reach
// Object.prototype.
//
// `table[key]` on an ordinary object finds inherited names (`constructor`, `toString`,
// `__proto__`), and `table[key] = v` with key `__proto__` replaces the prototype. When the key
// comes from a request or a config value, that is a wrong lookup at best (a resource type named
// `constructor` resolving to a function) and prototype pollution at worst (one PATCH through
// `__proto__` writing into Object.prototype for the whole process). So, with type information:
//
// - `obj[key]`, read or write, is reported when `key` is a string that is not a literal type and
//   `obj` is a string-indexed object (`Record<string, T>`, `{ [k: string]: T }`). Fix with a Map,
//   `ownValue()`/`setOwn()` from @tollgate/core, `Object.fromEntries`, or a key typed as a union
//   of literals (`keyof typeof TABLE`, after a check). A read guarded by
//   `Object.hasOwn(obj, key)` (in the condition of an `if`, a `?:` or an `&&`) is allowed.
// - `key in obj` with a non-literal key is reported: it is true for inherited names too; use
//   Object.hasOwn.
//
// Arrays, typed arrays and tuples (number-indexed) are not concerned, nor is `delete obj[key]`:
// it only ever removes an own property.
import ts from 'typescript';

const MESSAGE_INDEX =
  'a computed string key also finds Object.prototype (`constructor`, `__proto__`): use a Map, ' +
  'ownValue()/setOwn() from @tollgate/core, Object.fromEntries, or a literal key type';
const MESSAGE_IN = '`key in obj` is true for inherited names too (`toString`): use Object.hasOwn';

function isWideString(type) {
  if (type.isUnion()) return type.types.some(isWideString);
  return (type.flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) !== 0;
}

function stringIndexed(checker, type) {
  const parts = type.isUnion() ? type.types : [type];
  return parts.some(
    (t) =>
      (t.flags & ts.TypeFlags.Object) !== 0 &&
      checker.getIndexInfoOfType(t, ts.IndexKind.String) !== undefined,
  );
}

function isHasOwnCall(node, object, key, text) {
  return (
    node?.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    text(node.callee) === 'Object.hasOwn' &&
    node.arguments.length === 2 &&
    text(node.arguments[0]) === text(object) &&
    text(node.arguments[1]) === text(key)
  );
}

/** The operands of an `a && b && c` chain (or the expression itself). */
function conjuncts(node) {
  return node.type === 'LogicalExpression' && node.operator === '&&'
    ? [...conjuncts(node.left), ...conjuncts(node.right)]
    : [node];
}

/**
 * True when `member` sits in a branch that `Object.hasOwn(obj, key)` guards: the consequent of
 * an `if` or `?:`, or the right of `&&`, whose condition has that call as one of its `&&` terms.
 */
function guardedByHasOwn(member, text) {
  const guards = (test) =>
    conjuncts(test).some((t) => isHasOwnCall(t, member.object, member.property, text));
  let child = member;
  for (let node = member.parent; node; child = node, node = node.parent) {
    if (node.type.includes('Function')) return false;
    const guarded =
      ((node.type === 'IfStatement' || node.type === 'ConditionalExpression') &&
        node.consequent === child &&
        guards(node.test)) ||
      (node.type === 'LogicalExpression' &&
        node.operator === '&&' &&
        node.right === child &&
        guards(node.left));
    if (guarded) return true;
  }
  return false;
}

export const ownKeysOnly = {
  meta: {
    type: 'problem',
    docs: { description: 'keys computed from data must not reach Object.prototype' },
    messages: { index: MESSAGE_INDEX, in: MESSAGE_IN },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) return {};
    const checker = services.program.getTypeChecker();
    const typeOf = (node) => services.getTypeAtLocation(node);
    const text = (node) => context.sourceCode.getText(node);
    return {
      'MemberExpression[computed=true]'(node) {
        if (node.property.type === 'Literal' || !isWideString(typeOf(node.property))) return;
        if (node.parent.type === 'UnaryExpression' && node.parent.operator === 'delete') return;
        const objectType = checker.getNonNullableType(typeOf(node.object));
        if (!stringIndexed(checker, objectType)) return;
        if (guardedByHasOwn(node, text)) return;
        context.report({ node, messageId: 'index' });
      },
      "BinaryExpression[operator='in']"(node) {
        if (node.left.type === 'Literal' || node.left.type === 'PrivateIdentifier') return;
        context.report({ node, messageId: 'in' });
      },
    };
  },
};

export default { rules: { 'own-keys-only': ownKeysOnly } };
