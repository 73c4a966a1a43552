/**
 * @module commands/config-test
 * `tollgate test`: checks config.yaml and, in standalone file mode, the apisix.yaml (or .json)
 * it names, without starting anything (APISIX's `apisix test`).
 */
import { createLogger } from '@tollgate/core';
import { loadConfig } from '../config/load';
import { readStandaloneFile, compileOptions } from '../standalone/file-source';

/** What `tollgate test` prints when every check passes. */
export const TEST_SUCCESS = 'configuration test is successful';

/**
 * Checks the config `file` (chosen as `tollgate start` chooses it when undefined) and the
 * standalone file it names. Resolves to undefined when both are valid, else to the first error's
 * message (a config.yaml error names its key path).
 *
 * @example
 * const error = await testConfig('conf/config.yaml');
 * if (error) console.error(error);
 */
export async function testConfig(
  file: string | undefined,
  env?: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  try {
    const config = loadConfig(file);
    const standalone = config.standalone;
    if (standalone?.mode === 'file') {
      const options = compileOptions(config, createLogger('cli'));
      await readStandaloneFile(standalone.file, standalone.format, options, env);
    }
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
