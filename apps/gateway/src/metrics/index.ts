/**
 * @module metrics
 * The node's Prometheus exporter (primary process) and what the primary feeds it.
 */
export {
  EXPORT_URI,
  startMetricsExporter,
  type MetricsExporter,
  type MetricsExporterOptions,
} from './exporter';
export { ModifyIndexTracker } from './modify-indexes';
export { nodeMetricsFromStatus, type NodeMetricsSnapshot } from './node-metrics';
export { SslExpiryIndex, type SslCertificateExpiry } from './ssl-expiry';
