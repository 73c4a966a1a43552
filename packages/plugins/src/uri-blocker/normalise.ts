/**
 * @module uri-blocker/normalise
 * nginx's `$uri` from a request path: percent-decoded, `.` and `..` segments resolved and runs
 * of `/` merged, so that `/./internal/x` or `//internal/x` cannot slip past a rule anchored on
 * `^/internal/`. Linear in the path's length (bounded by the request-line limit).
 */

function decode(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    // Malformed escapes (nginx refuses the request with 400): decode the valid ones only.
    return path.replace(/%[0-9a-fA-F]{2}/g, (escape) => {
      const code = Number.parseInt(escape.slice(1), 16);
      return code < 0x80 ? String.fromCharCode(code) : escape;
    });
  }
}

/**
 * The normalised form of `path` (no query string).
 * @example normalisePath('/a/./b/../%63//d') // '/a/c/d'
 */
export function normalisePath(path: string): string {
  const out: string[] = [];
  const segments = decode(path).split('/');
  for (const [i, segment] of segments.entries()) {
    if (segment === '..') out.pop();
    else if (segment !== '.' && (segment !== '' || i === segments.length - 1)) out.push(segment);
  }
  const last = segments.at(-1);
  // A trailing `.` or `..` leaves the path ending in `/`, as nginx does.
  if (last === '.' || last === '..') out.push('');
  return `/${out.join('/')}`;
}
