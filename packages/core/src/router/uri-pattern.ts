/**
 * @module router/uri-pattern
 * Parses a route URI pattern the way lua-resty-radixtree does: the text before the first `*`
 * (or, in parameter mode, the first `:`) is the index key; a pattern without either is an exact
 * path. Patterns that name segments after the key (`/login/*action`, `/user/:id`) also get a
 * full-path regex that checks the rest and captures the names.
 */

import { setOwn } from '../json';

/** Captures named segments of `path`, or returns undefined when the path does not fit. */
export type ParamCapture = (path: string) => Record<string, string> | undefined;

/** A parsed URI pattern. */
export interface UriPattern {
  /** Exact path (`exact`) or index prefix (`prefix`). */
  kind: 'exact' | 'prefix';
  key: string;
  /** Present only when segments after the key must be checked. */
  capture?: ParamCapture;
}

const SEGMENT_PARAM = '[^/]+';
const SEGMENT_REST = '[\\s\\S]*';

/**
 * Parses `pattern`. With `paramMatch`, a `:` starts a parameter as in APISIX's
 * `radixtree_uri_with_parameter`; otherwise only `*` is special.
 */
export function parseUriPattern(pattern: string, paramMatch: boolean): UriPattern {
  const colon = paramMatch ? pattern.indexOf(':') : -1;
  const cut = colon >= 0 ? colon : pattern.indexOf('*');
  if (cut < 0) return { kind: 'exact', key: pattern };
  const key = pattern.slice(0, cut);
  // A lone trailing `*` is a plain prefix: nothing after the key left to check.
  if (colon < 0 && cut === pattern.length - 1) return { kind: 'prefix', key };
  const capture = compileCapture(pattern);
  return capture ? { kind: 'prefix', key, capture } : { kind: 'prefix', key };
}

/**
 * Builds the full-path check from `/`-separated segments: `:name` matches one non-empty segment,
 * `*name` (or a bare `*`) matches the rest including slashes, anything else is literal. Returns
 * undefined when no segment is special, in which case radixtree treats the pattern as a prefix.
 */
function compileCapture(pattern: string): ParamCapture | undefined {
  const names: string[] = [];
  const parts = pattern.split('/').map((segment) => {
    if (segment.startsWith(':')) {
      names.push(segment.slice(1));
      return `(${SEGMENT_PARAM})`;
    }
    if (segment.startsWith('*')) {
      names.push(segment.slice(1));
      return `(${SEGMENT_REST})`;
    }
    return escapeRegExp(segment);
  });
  if (names.length === 0) return undefined;
  const re = new RegExp(`^${parts.join('/')}$`);
  return (path) => {
    const m = re.exec(path);
    if (!m) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      const value = m[i + 1];
      if (name !== '' && value !== undefined) setOwn(params, name, value);
    });
    return params;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
