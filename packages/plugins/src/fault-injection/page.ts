/**
 * @module fault-injection/page
 * nginx's own page for a status a plugin answers without a body (`core.response.exit(status)`).
 */
import { ownValue } from '@tollgate/core';

const REASONS: Readonly<Record<string, string>> = {
  '301': 'Moved Permanently',
  '302': 'Found',
  '303': 'See Other',
  '307': 'Temporary Redirect',
  '308': 'Permanent Redirect',
  '400': 'Bad Request',
  '401': 'Unauthorized',
  '402': 'Payment Required',
  '403': 'Forbidden',
  '404': 'Not Found',
  '405': 'Not Allowed',
  '406': 'Not Acceptable',
  '408': 'Request Time-out',
  '409': 'Conflict',
  '410': 'Gone',
  '411': 'Length Required',
  '412': 'Precondition Failed',
  '413': 'Request Entity Too Large',
  '414': 'Request-URI Too Large',
  '415': 'Unsupported Media Type',
  '416': 'Requested Range Not Satisfiable',
  '421': 'Misdirected Request',
  '429': 'Too Many Requests',
  '500': 'Internal Server Error',
  '501': 'Not Implemented',
  '502': 'Bad Gateway',
  '503': 'Service Temporarily Unavailable',
  '504': 'Gateway Time-out',
  '505': 'HTTP Version Not Supported',
  '507': 'Insufficient Storage',
};

/** The page for `status`, or undefined for statuses nginx answers with an empty body. */
export function errorPage(status: number): string | undefined {
  const reason = ownValue(REASONS, String(status));
  if (reason === undefined) return undefined;
  const title = `${status} ${reason}`;
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
}
