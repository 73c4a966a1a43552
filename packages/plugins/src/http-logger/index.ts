/**
 * @module http-logger
 * APISIX's http-logger (priority 410, log phase): every request's entry (the default
 * `get_full_log` one, or `log_format` from the route or `plugin_metadata/http-logger`) goes
 * through the batch processor and is POSTed to `uri`: a JSON object when `batch_max_size` is 1,
 * else a JSON array (`concat_method: json`) or one object per line (`new_line`). A status of
 * 400 or more, a refused connection or a timeout fails the batch, which is retried. An entry
 * of a request that matched no route has `route_id: "no-matched"`.
 *
 * @example
 * // route: { "plugins": { "http-logger": { "uri": "http://127.0.0.1:9000/logs", "batch_max_size": 100 } } }
 */
import type { HttpLoggerConf } from '@tollgate/schema';
import { defineLogger } from '../logger-common';
import { createHttpSink } from './sink';

/** The http-logger plugin definition. */
export const httpLogger = defineLogger<HttpLoggerConf>({
  name: 'http-logger',
  version: '0.1',
  priority: 410,
  batchName: 'http logger',
  createSink: (conf) => createHttpSink(conf),
  // A request no route matched (a global rule logging it) is logged under "no-matched".
  finishEntry(entry) {
    entry.route_id ??= 'no-matched';
  },
});
