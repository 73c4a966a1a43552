/**
 * @module router
 * The data plane's route matcher (APISIX `radixtree_host_uri`). Build once per config change with
 * `buildRouter`, then call `match` per request.
 */
export { buildRouter } from './build-router';
export { RouteCompileError } from './conditions';
export type {
  BuiltRouter,
  MatchRequest,
  RouteBuildError,
  RouteInput,
  RouteMatch,
  Router,
  RouterOptions,
} from './types';
