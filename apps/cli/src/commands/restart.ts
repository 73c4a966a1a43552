/**
 * @module commands/restart
 * `tollgate restart` (APISIX's `apisix restart`: test, then stop, then start): checks the config
 * file, quits the node running on its data directory (gracefully: in-flight requests finish) and
 * hands over to `start` with the options given to `restart`.
 */
import { ConfigInvalidError } from '@tollgate/core';
import { loadConfig } from '../config/load';
import { testConfig } from './config-test';
import { runningPid } from './pid-file';
import { stopNode } from './quit';

/**
 * The first half of a restart: resolves with what to print once no node runs on the config's
 * data directory; throws {@link ConfigInvalidError} when the config fails the test (nothing is
 * stopped then) and `NotStoppedError` when the node does not exit.
 *
 * @example
 * process.stdout.write(await quitForRestart('conf/config.yaml'));
 * await start({ configFile: 'conf/config.yaml' });
 */
export async function quitForRestart(file: string | undefined): Promise<string> {
  const error = await testConfig(file);
  if (error !== undefined) {
    throw new ConfigInvalidError(`${error}\nconfiguration test failed; nothing restarted`);
  }
  if (runningPid(loadConfig(file).dataDir) === undefined) return 'tollgate is not running\n';
  const pid = await stopNode(file, { graceful: true });
  return `tollgate (pid ${pid}) has exited\n`;
}
