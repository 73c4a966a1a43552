export type * from './define-plugin';
export { exit, definePlugin } from './define-plugin';
export type * from './instance';
export { ownerOf, bindPlugins, sortChain, mergeChains } from './instance';
export type * from './instance-load';
export type * from './runner';
export { PluginCrashError, runPhase, installFilters, runLogPhase } from './runner';
