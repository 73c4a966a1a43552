/**
 * @module resources/list
 * GET on a collection: `{total, list}` with APISIX v3's filters (`name` and `uri`: regular
 * expressions, see `list-pattern`; `label`; `filter=service_id=..&upstream_id=..`) and paging
 * (`page`, `page_size` 10..500, sorted by createdIndex). `total` counts after filtering, before
 * paging.
 */
import { idText } from '../json-tree';
import { errorResponse, type AdminResponse } from '../response';
import type { Entry } from './context';
import { compileFilter } from './list-pattern';

export interface ListQuery {
  page?: string;
  page_size?: string;
  name?: string;
  label?: string;
  uri?: string;
  filter?: string;
}

type Matcher = (subject: string) => boolean;

function matches(
  entry: Entry,
  query: ListQuery,
  name?: Matcher,
  uri?: Matcher,
  refs?: URLSearchParams,
): boolean {
  const { value } = entry;
  if (name && !(typeof value.name === 'string' && name(value.name))) return false;
  if (query.label !== undefined) {
    const labels = value.labels;
    if (typeof labels !== 'object' || labels === null || !Object.hasOwn(labels, query.label))
      return false;
  }
  if (uri) {
    const uris =
      typeof value.uri === 'string' ? [value.uri] : Array.isArray(value.uris) ? value.uris : [];
    if (!uris.some((u) => typeof u === 'string' && uri(u))) return false;
  }
  if (refs) {
    for (const field of ['service_id', 'upstream_id'] as const) {
      const wanted = refs.get(field);
      if (wanted !== null && idText(value[field] ?? '') !== wanted) return false;
    }
  }
  return true;
}

/** Builds the list response for `entries` (already in key order). */
export function listResponse(entries: Entry[], query: ListQuery): AdminResponse {
  const matchers: { name?: Matcher; uri?: Matcher } = {};
  for (const field of ['name', 'uri'] as const) {
    const pattern = query[field];
    if (pattern === undefined) continue;
    const filter = compileFilter(pattern);
    if (!filter.ok) return errorResponse(400, `invalid regex for ${field}: ${filter.reason}`);
    matchers[field] = filter.matches;
  }
  const { name, uri } = matchers;
  const refs = query.filter !== undefined ? new URLSearchParams(query.filter) : undefined;
  let selected = entries.filter((e) => matches(e, query, name, uri, refs));
  const total = selected.length;
  if (query.page !== undefined || query.page_size !== undefined) {
    const pageSize = query.page_size === undefined ? 10 : Number(query.page_size);
    if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 500) {
      // APISIX answers this one in plain text; every Admin API error here is JSON (issue 9).
      return errorResponse(400, 'page_size must be between 10 and 500');
    }
    const requested = Number(query.page ?? 1);
    const page = Number.isInteger(requested) && requested >= 1 ? requested : 1;
    selected = [...selected]
      .sort((a, b) => a.item.createRevision - b.item.createRevision)
      .slice((page - 1) * pageSize, page * pageSize);
  }
  return {
    status: 200,
    body: {
      total,
      list: selected.map((e) => ({
        key: e.key,
        value: e.value,
        createdIndex: e.item.createRevision,
        modifiedIndex: e.item.modRevision,
      })),
    },
  };
}
