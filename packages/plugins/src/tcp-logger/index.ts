/**
 * @module tcp-logger
 * APISIX's tcp-logger (priority 405, log phase): every request's entry (the default
 * `get_full_log` one, or `log_format` from the route or `plugin_metadata/tcp-logger`) goes
 * through the batch processor and is written as JSON to `host:port` over a new TCP (or TLS)
 * connection per batch. A refused connection, a failed handshake or a timeout fails the batch,
 * which is retried.
 *
 * @example
 * // route: { "plugins": { "tcp-logger": { "host": "127.0.0.1", "port": 5044, "batch_max_size": 1 } } }
 */
import type { TcpLoggerConf } from '@tollgate/schema';
import { defineLogger } from '../logger-common';
import { createTcpSink } from './sink';

/** The tcp-logger plugin definition. */
export const tcpLogger = defineLogger<TcpLoggerConf>({
  name: 'tcp-logger',
  version: '0.1',
  priority: 405,
  batchName: 'tcp logger',
  createSink: (conf) => createTcpSink(conf),
});
