export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__tollgateServices;
  if (!started) return;
  globalThis.__tollgateServices = undefined;
  await started.etcd?.destroy();
  await started.redis?.destroy();
}
