export type * from './messages';
export { isWorkerLeaseMessage, isLeaseReply, isLeaseViews, isLeaseRevoke } from './messages';
export type * from './host';
export { LeaseHost } from './host';
export type * from './client';
export { LeaseClient } from './client';
