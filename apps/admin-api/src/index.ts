export { createAdminApp, startAdminServer, publishPluginList, DEFAULT_ALLOW_ADMIN } from './server';
export type { AdminApiOptions, RunningAdminServer } from './server';
export type { AdminKey } from './auth';
export { KeyLayout } from './keys';
