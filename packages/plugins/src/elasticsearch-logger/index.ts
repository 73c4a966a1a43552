/**
 * @module elasticsearch-logger
 * APISIX's elasticsearch-logger (priority 413, log phase): every request's entry (the default
 * `get_full_log` one, or `log_format` from the route or `plugin_metadata/elasticsearch-logger`)
 * goes through the batch processor and is indexed in Elasticsearch with the `_bulk` API
 * (`create` into `field.index`), after the endpoint's version was asked once.
 *
 * @example
 * // route: { "plugins": { "elasticsearch-logger": {
 * //   "endpoint_addrs": ["http://127.0.0.1:9200"], "field": { "index": "services" } } } }
 */
import type { ElasticsearchLoggerConf } from '@tollgate/schema';
import { defineLogger } from '../logger-common';
import { createEsSink } from './sink';

/** The elasticsearch-logger plugin definition. */
export const elasticsearchLogger = defineLogger<ElasticsearchLoggerConf>({
  name: 'elasticsearch-logger',
  version: '0.1',
  priority: 413,
  batchName: 'elasticsearch-logger',
  createSink: (conf) => createEsSink(conf),
});
