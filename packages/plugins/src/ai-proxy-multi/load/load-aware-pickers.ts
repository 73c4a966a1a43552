/**
 * @module ai-proxy-multi/load/load-aware-pickers
 * Which group picker a `balancer` asks for: APISIX's roundrobin (also for `semantic`) and chash,
 * or Tollgate's load-aware ones, with prefix affinity in front when configured.
 */
import {
  ChashPicker,
  RoundRobinPicker,
  type GroupPicker,
  type WeightedName,
} from '../selection/group-pickers';
import type { BalancerSettings } from './balancer-settings';
import type { LatencyTable } from './latency-table';
import { LeastBusyPicker } from './least-busy';
import { LeastLatencyPicker } from './least-latency';
import type { LoadSignals } from './load-signals';
import { PrefixAffinityPicker } from './prefix-affinity';
import { QueueAwarePicker } from './queue-aware';

/** What the load-aware pickers read. */
export interface PickerLoad {
  readonly signals: Pick<LoadSignals, 'inFlight' | 'reading' | 'saturated' | 'loadKey'>;
  readonly latency: LatencyTable;
  readonly random?: () => number;
  readonly now?: () => number;
}

function algorithmPicker(
  settings: BalancerSettings,
  members: readonly WeightedName[],
  load: PickerLoad | undefined,
): GroupPicker {
  if (settings.algorithm === 'chash') return new ChashPicker(members);
  if (!load) return new RoundRobinPicker(members);
  const random = load.random ?? Math.random;
  switch (settings.algorithm) {
    case 'least_busy':
      return new LeastBusyPicker(members, load.signals, random);
    case 'queue_aware':
      return new QueueAwarePicker(members, load.signals, random);
    case 'least_latency':
      return new LeastLatencyPicker(members, {
        table: load.latency,
        loadKey: (name) => load.signals.loadKey(name),
        decayMs: settings.latencyDecayMs,
        random,
        ...(load.now ? { now: load.now } : {}),
      });
    default:
      return new RoundRobinPicker(members);
  }
}

/**
 * The picker of one priority group. Without `load` the load-aware algorithms cannot read
 * anything and balance by round robin.
 *
 * @example
 * groupPickerFor(balancerSettings({ algorithm: 'least_busy' }), members, load);
 */
export function groupPickerFor(
  settings: BalancerSettings,
  members: readonly WeightedName[],
  load?: PickerLoad,
): GroupPicker {
  const picker = algorithmPicker(settings, members, load);
  return settings.prefixChars === undefined ? picker : new PrefixAffinityPicker(members, picker);
}
