/**
 * @module state
 * What one mock instance remembers between requests, and turning its capacity model on or
 * changing it.
 */
import { CapacityModel } from './capacity';
import { DEFAULT_CAPACITY } from './capacity-settings';
import type { MockAwsCredentials } from './cloud/sigv4';
import type { IssuedTokens, MockGcpOptions } from './cloud/gcp';
import type { Exchange } from './exchange';
import type { Behaviour, Capacity, CapacityReport, RecordedRequest } from './types';

/** Mutable state shared by the request handler, the control endpoints and the handle. */
export interface MockState {
  readonly name: string;
  readonly apiKeys: readonly string[] | undefined;
  /** Bedrock paths require a valid SigV4 signature with these credentials. */
  readonly aws: MockAwsCredentials | undefined;
  /** `POST /token` issues tokens to these service accounts; Vertex paths require one. */
  readonly gcp: MockGcpOptions | undefined;
  /** Access tokens issued by `POST /token`, with their expiry (epoch ms). */
  readonly issuedTokens: IssuedTokens;
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
  /** The capacity model, when it is on. */
  capacity: CapacityModel | undefined;
  /** Exchanges in progress, dropped by `stop()`. */
  readonly live: Set<Exchange>;
}

/** Apply a validated capacity patch, turning the model on (with the defaults) if it was off. */
export function applyCapacity(state: MockState, patch: Partial<Capacity>): void {
  if (state.capacity) state.capacity.update({ ...state.capacity.current, ...patch });
  else state.capacity = new CapacityModel({ ...DEFAULT_CAPACITY, ...patch });
}

/** The capacity model's settings and counters; undefined while it is off. */
export function capacityReport(state: MockState): CapacityReport | undefined {
  const model = state.capacity;
  return model && { settings: model.current, stats: model.stats() };
}
