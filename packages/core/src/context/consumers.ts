/**
 * @module context/consumers
 * How auth plugins find consumers: a directory built with each config snapshot, and the one way
 * to attach an authenticated consumer to a request (APISIX's consumer.attach_consumer).
 */
import type { ConsumerInfo, RequestContext } from './request-context';

export interface ConsumerDirectory {
  /**
   * The consumer whose `plugin` configuration (on the consumer or on one of its credentials) has
   * `field` equal to `value`, e.g. ('key-auth', 'key', 'auth-one').
   */
  findByCredential(plugin: string, field: string, value: string): ConsumerInfo | undefined;
  /**
   * Like {@link findByCredential}, with the matching `plugin` configuration (defaults filled) of
   * the consumer or credential, for plugins that verify more than the identifying field
   * (basic-auth's password, jwt-auth's secret).
   */
  findCredential(plugin: string, field: string, value: string): CredentialMatch | undefined;
  /** A consumer by username. */
  get(username: string): ConsumerInfo | undefined;
}

/** A consumer found by credential, and the auth plugin configuration that holds it. */
export interface CredentialMatch {
  readonly consumer: ConsumerInfo;
  readonly conf: Readonly<Record<string, unknown>>;
}

export const EMPTY_DIRECTORY: ConsumerDirectory = {
  findByCredential: () => undefined,
  findCredential: () => undefined,
  get: () => undefined,
};

/**
 * Attach `consumer` to the request: `ctx.consumer`, the `consumer_name` variable, and the
 * `X-Consumer-Username`, `X-Credential-Identifier` and `X-Consumer-Custom-ID` upstream headers.
 */
export function attachConsumer(ctx: RequestContext, consumer: ConsumerInfo): void {
  ctx.consumer = consumer;
  ctx.vars.set('consumer_name', consumer.username);
  if (consumer.groupId !== undefined) ctx.vars.set('consumer_group_id', consumer.groupId);
  ctx.upstreamHeaders.set('x-consumer-username', consumer.username);
  if (consumer.credentialId !== undefined)
    ctx.upstreamHeaders.set('x-credential-identifier', consumer.credentialId);
  const customId = consumer.labels?.custom_id;
  if (customId !== undefined) ctx.upstreamHeaders.set('x-consumer-custom-id', customId);
}
