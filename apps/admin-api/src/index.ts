export { createAdminApp, startAdminServer, publishPluginList, DEFAULT_ALLOW_ADMIN } from './server';
export type { AdminApiOptions, RunningAdminServer } from './server';
export type { AdminKey } from './auth';
export { KeyLayout } from './keys';
export { EnabledPlugins } from './enabled-plugins';
export {
  compileStandalone,
  StandaloneConfigError,
  STANDALONE_RESOURCES,
  type CompileOptions,
} from './standalone/compile';
export { parseBody } from './request-body';
