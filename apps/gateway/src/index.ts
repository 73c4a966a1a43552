export {
  GatewayNode,
  type GatewayNodeOptions,
  type GatewayNodeStatus,
  type GatewayReloadOptions,
  type GatewayReloadResult,
} from './node';
export { Snapshot, type CompiledRoute } from './config/snapshot';
export { createRequestHandler } from './http/handler';
