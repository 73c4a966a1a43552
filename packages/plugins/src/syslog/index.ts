/**
 * @module syslog
 * APISIX's syslog (priority 401, log phase): every request's entry (the default
 * `get_full_log` one, or `log_format` from the route or `plugin_metadata/syslog`) is encoded as
 * JSON in an RFC 5424 message (`<46>1 <time> <host> apisix <pid> - - <json>\n`), goes through
 * the batch processor, and the messages of a batch are buffered and written to the syslog server
 * once `flush_limit` bytes are waiting (lua-resty-logger-socket).
 *
 * @example
 * // route: { "plugins": { "syslog": { "host": "127.0.0.1", "port": 5044, "flush_limit": 1 } } }
 */
import type { SyslogConf } from '@tollgate/schema';
import { defineItemLogger } from './item-logger';
import { encodeRfc5424 } from './rfc5424';
import { SyslogSink } from './sink';

/** The syslog plugin definition. */
export const syslog = defineItemLogger<SyslogConf, string>({
  name: 'syslog',
  version: '0.1',
  priority: 401,
  batchName: 'sys logger',
  toItem: (entry, ctx) => {
    const host = ctx.vars.get('host');
    return encodeRfc5424(
      typeof host === 'string' ? host : undefined,
      process.pid,
      JSON.stringify(entry),
    );
  },
  createSink: (conf) => new SyslogSink(conf),
});
