/**
 * @module plugin/instance-load
 * What a load-aware balancer (ai-proxy-multi's `least_busy`, `least_latency`, `queue_aware`,
 * issue 12) reads about LLM instances, node-wide: requests in flight from every worker, and the
 * last reading of the instance's own metrics endpoint (vLLM / SGLang queue and KV-cache gauges),
 * scraped by the node's primary off the request path and shared with the workers.
 *
 * Keys: `loadKey` names one backend as the balancer sees it (several routes may point at the
 * same server, so a balancer should key by the server, e.g. its endpoint URL); `metricsUrl` is
 * an instance's `override.metrics_endpoint`.
 */

/** One scrape of an instance's metrics endpoint. */
export interface ScrapedLoad {
  /** Requests waiting for a batch slot (`vllm:num_requests_waiting`, SGLang's queue gauge). */
  waiting: number;
  /** Requests being decoded (`vllm:num_requests_running`, SGLang's running gauge). */
  running: number;
  /** KV-cache use, 0..1 (`vllm:kv_cache_usage_perc`, older `vllm:gpu_cache_usage_perc`). */
  kvCacheUsage?: number;
  /** `Date.now()` when the scrape was answered. */
  at: number;
}

/** One load-aware pick, as the control API reports it (`/v1/healthcheck`, `/v1/instance_load`). */
export interface PickNote {
  /** The configuration's health target keys (`<owner>#<plugin>#<instance>`) by instance name. */
  targetKeys: ReadonlyMap<string, string>;
  /** The chosen instance's name. */
  chosen: string;
  /** The scores the pick compared, by instance name (queue_aware); absent otherwise. */
  scores?: ReadonlyMap<string, number>;
  /** The pick passed over a higher priority group (a spill to the chosen instance). */
  spilled: boolean;
}

/** The node's live view of its LLM instances' load, as a worker sees it. */
export interface InstanceLoadView {
  /** Keep a load-aware pick's scores and spill for the node's control API. */
  notePick?(pick: PickNote): void;
  /**
   * Requests in flight to `loadKey` from every worker of this node: this worker's count exact,
   * the others' as of their last report (a few tens of milliseconds old at most).
   */
  inFlight(loadKey: string): number;
  /** This worker sent a request to `loadKey` (call `end` exactly once when it is over). */
  begin(loadKey: string): void;
  end(loadKey: string): void;
  /**
   * Requests this node sent to `loadKey` since `sinceMs` (`Date.now()` time), so that a burst
   * between two scrapes is counted against the instance it went to.
   */
  sentSince(loadKey: string, sinceMs: number): number;
  /** The latest successful scrape of `metricsUrl`, or undefined when there is none. */
  scraped(metricsUrl: string): ScrapedLoad | undefined;
}
