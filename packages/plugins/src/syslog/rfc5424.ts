/**
 * @module syslog/rfc5424
 * The RFC 5424 message APISIX's syslog plugin sends per entry (`apisix/utils/rfc5424.lua`):
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - STRUCTURED-DATA MSG\n`, with facility SYSLOG and
 * severity INFO (PRI 46), the UTC time with milliseconds, the request's host, app name `apisix`,
 * the worker's pid, no MSGID and no structured data.
 */

/** RFC 5424 HOSTNAME: 1 to 255 printable US-ASCII characters, no space. */
const HOSTNAME = /^[\x21-\x7e]{1,255}$/;

const FACILITY_SYSLOG = 5;
const SEVERITY_INFO = 6;

/**
 * One message: `msg` framed as RFC 5424 at `epochMs`, from `hostname` (`-` when empty, or when
 * it is not a valid RFC 5424 HOSTNAME, so a request's Host cannot shift the header's fields).
 */
export function encodeRfc5424(
  hostname: string | undefined,
  pid: number,
  msg: string,
  epochMs: number = Date.now(),
): string {
  const pri = FACILITY_SYSLOG * 8 + SEVERITY_INFO;
  const host = hostname && HOSTNAME.test(hostname) ? hostname : '-';
  return `<${pri}>1 ${new Date(epochMs).toISOString()} ${host} apisix ${pid} - - ${msg}\n`;
}
