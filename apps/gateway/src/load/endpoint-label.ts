/**
 * @module load/endpoint-label
 * How a metrics URL or load key appears in logs, metric labels and the control API: a URL loses
 * its user info and query (either may hold a credential); anything else is shown as it is.
 */

/** `value` fit to show: URL user info and query removed. */
export function endpointLabel(value: string): string {
  if (!URL.canParse(value)) return value;
  const url = new URL(value);
  if (url.username === '' && url.password === '' && url.search === '') return value;
  url.username = '';
  url.password = '';
  url.search = '';
  return url.href;
}
