/**
 * @module fixtures
 * The configurations our first users run (`test/fixtures/user-scenarios/*.json`, copied verbatim
 * from the spec), with their `{PLACEHOLDER}`s replaced.
 */
import fs from 'node:fs';
import path from 'node:path';

export const FIXTURES_DIR = path.resolve(__dirname, '../../../test/fixtures');

/** The fixture text with `{NAME}` placeholders replaced from `values`; unknown ones are an error. */
export function scenarioText(name: string, values: Record<string, string | number>): string {
  const text = fs.readFileSync(path.join(FIXTURES_DIR, 'user-scenarios', name), 'utf8');
  return text.replace(/\{([A-Z][A-Z0-9_]*)\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`fixture ${name}: no value for {${key}}`);
    return String(value);
  });
}

/** Placeholder values pointing every endpoint of the scenarios at loopback. */
export function loopbackScenarioValues(port: number): Record<string, string | number> {
  return {
    ALIYUN_API_KEY: 'aliyun-secret-key',
    CUSTOM_API_KEY: 'custom-secret-key',
    NLB_API_KEY: 'nlb-secret-key',
    CUSTOM_HOST_1: '127.0.0.1',
    CUSTOM_PORT_1: port,
    CUSTOM_NLB_HOST: '127.0.0.1',
    CUSTOM_NLB_PORT: port,
  };
}
