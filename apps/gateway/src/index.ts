/**
 * @module @tollgate/gateway
 * The data plane's node, as the CLI starts it. Only the primary's side is exported: importing
 * the workers' modules here (routes, plugins and their libraries) would load all of them into
 * the primary, which never runs them (issue 14: a primary that stays small and idle).
 */
export {
  GatewayNode,
  type GatewayNodeOptions,
  type GatewayNodeStatus,
  type GatewayReloadOptions,
  type GatewayReloadResult,
} from './node';
