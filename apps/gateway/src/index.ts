export { GatewayNode, type GatewayNodeOptions, type GatewayNodeStatus } from './node';
export { Snapshot, type CompiledRoute } from './config/snapshot';
export { createRequestHandler } from './http/handler';
