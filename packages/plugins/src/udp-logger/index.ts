/**
 * @module udp-logger
 * APISIX's udp-logger (priority 400, log phase): every request's entry (the default
 * `get_full_log` one, or `log_format` from the route or `plugin_metadata/udp-logger`) goes
 * through the batch processor and is sent as JSON in one UDP datagram per batch to `host:port`.
 *
 * @example
 * // route: { "plugins": { "udp-logger": { "host": "127.0.0.1", "port": 3000, "batch_max_size": 1 } } }
 */
import type { UdpLoggerConf } from '@tollgate/schema';
import { defineLogger } from '../logger-common';
import { createUdpSink } from './sink';

/** The udp-logger plugin definition. */
export const udpLogger = defineLogger<UdpLoggerConf>({
  name: 'udp-logger',
  version: '0.1',
  priority: 400,
  batchName: 'udp logger',
  createSink: (conf) => createUdpSink(conf),
});
