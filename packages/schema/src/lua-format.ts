/**
 * @module lua-format
 * How Lua prints values inside APISIX's validator messages, so our texts read the same:
 * `%q` string quoting, `tostring` of numbers (`%.14g`) and `type()` names.
 */

/** Lua's `string.format('%q', s)`: double quotes, with `\`, `"`, newline, `\r` and NUL escaped. */
export function luaQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\0') out += '\\0';
    else out += ch;
  }
  return `${out}"`;
}

function stripZeros(mantissa: string): string {
  return mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
}

/** LuaJIT's `tostring(n)` (C `%.14g`): `199`, `0.5`, `1e+20`, `1e-05`, `inf`, `nan`. */
export function luaNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa = '0', expText = '0'] = n.toExponential(13).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 14) {
    const sign = exp < 0 ? '-' : '+';
    return `${stripZeros(mantissa)}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return stripZeros(n.toFixed(Math.max(0, 13 - exp)));
}

/** Lua's `type()` of a decoded JSON value: objects and arrays are `table`, null is `userdata`. */
export function luaTypeOf(value: unknown): string {
  if (value === null || value === undefined) return value === null ? 'userdata' : 'nil';
  if (typeof value === 'object') return 'table';
  if (typeof value === 'bigint') return 'number';
  return typeof value;
}
