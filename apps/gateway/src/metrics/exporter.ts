/**
 * @module metrics/exporter
 * The node's Prometheus export server (`plugin_attr.prometheus.export_addr`, APISIX's
 * `enable_export_server`), run by the primary process. `GET /apisix/prometheus/metrics` answers
 * the metrics of every worker, read over IPC and summed per series at the moment of the scrape,
 * together with the node-level metrics only the primary knows. APISIX instead serves text its
 * privileged agent rebuilds every `refresh_interval` (15 s), so a scrape can be 15 s old; here a
 * scrape costs one IPC round per worker, and concurrent scrapes share it.
 *
 * Answers (spec §B.1): 200 `text/plain; version=0.0.4`; 500
 * `{"message":"Failed to retrieve metrics: no data available"}` when no worker can answer; 500
 * `{"message":"An unexpected error occurred"}` when a worker fails to; 404 for any other URI or
 * method.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { createLogger, guardHttpServer, MAX_HEADER_BYTES, type Logger } from '@tollgate/core';
import { ClusterMetricsCollector, type ClusterLike } from './cluster-collector';
import { NodeMetrics, type NodeMetricsSnapshot } from './node-metrics';
import { renderMetrics } from './render';

/** APISIX's default `export_uri`. */
export const EXPORT_URI = '/apisix/prometheus/metrics';
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const NO_DATA = { message: 'Failed to retrieve metrics: no data available' };
const UNEXPECTED = { message: 'An unexpected error occurred' };

export interface MetricsExporterOptions {
  ip: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The primary's node-level state, read at every scrape. */
  nodeMetrics: () => NodeMetricsSnapshot;
  /** Milliseconds a worker gets to answer a scrape (default 5000). */
  workerTimeoutMs?: number;
  /** `apisix_node_info` labels; default the host name and the gateway's package version. */
  hostname?: string;
  version?: string;
  logger?: Logger;
  /** The workers to read (default node:cluster). */
  cluster?: ClusterLike;
}

export interface MetricsExporter {
  /** The port listened on. */
  readonly port: number;
  close(): Promise<void>;
}

function packageVersion(): string {
  try {
    const file = path.join(__dirname, '..', '..', 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? '';
  } catch {
    return '';
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Start the export server in the node's primary process.
 *
 * @example
 * const exporter = await startMetricsExporter({
 *   ip: '127.0.0.1',
 *   port: 9091,
 *   nodeMetrics: () => nodeMetricsFromStatus(node.status(), { etcd: true, modifyIndexes }),
 * });
 * // at shutdown
 * await exporter.close();
 */
export async function startMetricsExporter(
  options: MetricsExporterOptions,
): Promise<MetricsExporter> {
  const log = options.logger ?? createLogger('metrics');
  const collector = new ClusterMetricsCollector({
    timeoutMs: options.workerTimeoutMs,
    ...(options.cluster ? { cluster: options.cluster } : {}),
  });
  collector.start();
  const node = new NodeMetrics({
    hostname: options.hostname ?? os.hostname(),
    version: options.version ?? packageVersion(),
  });

  const scrape = async (res: http.ServerResponse): Promise<void> => {
    const { perWorker } = await collector.collect();
    if (perWorker.length === 0) {
      sendJson(res, 500, NO_DATA);
      return;
    }
    const own = await node.json(options.nodeMetrics(), perWorker.length);
    const text = await renderMetrics([own, ...perWorker]);
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server = guardHttpServer(
    http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      const uri = (req.url ?? '/').split('?', 1)[0];
      if (uri !== EXPORT_URI || req.method !== 'GET') {
        res.writeHead(404, { 'content-length': 0 });
        res.end();
        return;
      }
      scrape(res).catch((err: unknown) => {
        log.error('metrics scrape failed', {
          err,
          reason: err instanceof Error ? err.message : String(err),
        });
        if (!res.headersSent) sendJson(res, 500, UNEXPECTED);
        else res.destroy();
      });
    }),
  );
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      collector.stop();
      reject(err);
    });
    server.listen(options.port, options.ip, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info('metrics export server listening', {
    address: `${options.ip}:${port}`,
    uri: EXPORT_URI,
  });
  return {
    port,
    async close() {
      collector.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
