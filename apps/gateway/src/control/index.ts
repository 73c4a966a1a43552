/**
 * @module control
 * The control API (docs/control-api.md): `startControlServer` over a `ControlSource`, and the
 * adapter that makes a gateway node one.
 */
export { startControlServer, type ControlServerOptions, type RunningControlServer } from './server';
export { routeControlRequest, type ControlReply } from './routes';
export {
  healthcheckList,
  healthcheckOf,
  nodeHealth,
  type HealthcheckEntry,
  type HealthcheckNode,
} from './healthcheck';
export {
  gatewayVersion,
  nodeControlSource,
  nodeId,
  type ControlledNode,
  type NodeControlSourceOptions,
} from './node-source';
export type {
  ControlConfigState,
  ControlHealthTarget,
  ControlNodeInfo,
  ControlSource,
  ControlWorkerState,
} from './source';
