/**
 * @module state
 * What one mock instance remembers between requests.
 */
import type { Exchange } from './exchange';
import type { Behaviour, RecordedRequest } from './types';

/** Mutable state shared by the request handler, the control endpoints and the handle. */
export interface MockState {
  readonly name: string;
  readonly apiKeys: readonly string[] | undefined;
  /** Fixture directories, searched in order. */
  readonly fixtureDirs: readonly string[];
  /** The behaviour from the options: what `resetBehaviour()` and `PUT` start from. */
  readonly baseBehaviour: Behaviour;
  /** The current default behaviour. */
  behaviour: Behaviour;
  readonly records: RecordedRequest[];
  /** Oldest records are dropped beyond this many. */
  readonly maxRecorded: number;
  nextId: number;
  /** Recorded requests not finished yet (`vllm:num_requests_running`). */
  running: number;
  /** Recorded requests since start (`mock_requests_total`; `clear()` does not reset it). */
  requestsTotal: number;
  /** Exchanges in progress, dropped by `stop()`. */
  readonly live: Set<Exchange>;
}
