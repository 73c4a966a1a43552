/**
 * @module test/deploy/docker-compose
 * Static checks of deploy/docker/ and deploy/compose.yaml (docs/deployment.md): the CI machine has
 * no Docker engine, so no image is built and no container started. Checks the Dockerfile, each
 * `tollgate` command against the CLI's help text (read from the sources, no build needed), and
 * that the ports published, probed and exposed are the ones the configs listen on.
 */
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  DEPLOY,
  type Listeners,
  ROOT,
  arr,
  checkImageRef,
  checkTollgateArgs,
  cliGrammar,
  dockerInstructions,
  get,
  listenPorts,
  listeners,
  obj,
  read,
  resolveEnv,
  str,
  yamlFiles,
  RENDERS,
  renderChart,
} from './deploy-lib';

const DOCKERFILE = read('deploy/docker/Dockerfile');
const STEPS = dockerInstructions(DOCKERFILE);
const FINAL = Math.max(...STEPS.map((s) => s.stage));
const finalStage = STEPS.filter((s) => s.stage === FINAL);
const jsonArgs = (op: string): string[] => {
  const step = finalStage.find((s) => s.op === op);
  if (!step) throw new Error(`no ${op} in the final stage`);
  return JSON.parse(step.args) as string[];
};
const IMAGE_CONFIG_PATH = jsonArgs('CMD')[2] ?? '';

describe('deploy/docker and compose: every YAML file parses', () => {
  const files = [path.join(DEPLOY, 'compose.yaml'), ...yamlFiles(path.join(DEPLOY, 'docker'))];
  it.each(files.map((f) => path.relative(ROOT, f)))('%s', (rel) => {
    for (const doc of parseAllDocuments(read(rel))) expect(doc.errors).toEqual([]);
  });
  it('includes compose and the image config', () => {
    const rels = files.map((f) => path.relative(ROOT, f));
    expect(rels).toEqual(
      expect.arrayContaining(['deploy/compose.yaml', 'deploy/docker/config.yaml']),
    );
  });
});

describe('the Helm chart and the image agree', () => {
  it.each(RENDERS)(
    '$out starts every container on the config path the image uses',
    ({ values }) => {
      const deployments = renderChart(values).filter((o) => o.kind === 'Deployment');
      expect(deployments.length).toBeGreaterThan(0);
      for (const d of deployments) {
        const args = arr(get(d, 'spec.template.spec.containers.0.args'), 'args').map(String);
        expect(args.slice(0, 3)).toEqual(['start', '-c', IMAGE_CONFIG_PATH]);
      }
    },
  );
});

/** ENV of the final stage (KEY=value pairs). */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of finalStage.filter((st) => st.op === 'ENV')) {
    for (const m of s.args.matchAll(/(\w+)=("[^"]*"|\S+)/g))
      env[m[1] ?? ''] = (m[2] ?? '').replace(/"/g, '');
  }
  return env;
}

/** What the image's HEALTHCHECK probes: a URL in the instruction, else TOLLGATE_HEALTHCHECK. */
function healthTarget(env: Record<string, string>): URL {
  const hc = finalStage.find((s) => s.op === 'HEALTHCHECK');
  if (!hc) throw new Error('no HEALTHCHECK in the final stage');
  const inline = /(https?|tcp):\/\/[\w.]+:\d+[^\s'"]*/.exec(hc.args)?.[0];
  const target = inline ?? env.TOLLGATE_HEALTHCHECK;
  if (!target) throw new Error('HEALTHCHECK names no target');
  return new URL(target);
}

/** The health target must be a listener of this node: the control API's readiness on gateways. */
function checkHealthTarget(url: URL, l: Listeners, where: string): void {
  if (l.control) {
    expect(`${where} ${url.href}`).toBe(`${where} http://127.0.0.1:${l.control.port}/status/ready`);
    expect(['127.0.0.1', '0.0.0.0']).toContain(l.control.ip);
  } else {
    expect(`${where} ${url.protocol}${url.port}`).toBe(`${where} tcp:${l.admin}`);
  }
}

describe('deploy/docker/Dockerfile', () => {
  const imageConfig = (): unknown =>
    resolveEnv(parse(read('deploy/docker/config.yaml')), imageEnv());

  it('is multi-stage, builds with the pinned pnpm and deploys production deps only', () => {
    const froms = STEPS.filter((s) => s.op === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) checkImageRef(f.args.split(/\s+/)[0] ?? '', 'FROM');
    const pinned = (JSON.parse(read('package.json')) as { packageManager: string }).packageManager;
    const used = STEPS.flatMap((s) =>
      [...s.args.matchAll(/pnpm@(\d[\w.-]*)/g)].map((m) => `pnpm@${m[1]}`),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const u of used) expect(u).toBe(pinned);
    const build = STEPS.filter((s) => s.op === 'RUN' && s.stage < FINAL)
      .map((s) => s.args)
      .join(' && ');
    expect(build).toMatch(/pnpm install\b[^&]*--frozen-lockfile/);
    expect(build).toMatch(/pnpm build\b/);
    expect(build).toMatch(/pnpm\b[^&]*@tollgate\/cli[^&]*\bdeploy\b[^&]*--prod/);
    expect(finalStage.some((s) => s.op === 'COPY' && s.args.startsWith('--from='))).toBe(true);
    const finalRuns = finalStage.filter((s) => s.op === 'RUN').map((s) => s.args);
    expect(finalRuns.filter((r) => /pnpm|npm (install|ci)/.test(r))).toEqual([]);
  });

  it('runs as a non-root user in the final stage', () => {
    const users = finalStage.filter((s) => s.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)?.args.split(':')[0] ?? '';
    expect(['root', '0', '']).not.toContain(user);
  });

  it('exposes the ports of the config it ships and health-checks the control API', () => {
    const l = listeners(imageConfig());
    const exposed = finalStage
      .filter((s) => s.op === 'EXPOSE')
      .flatMap((s) => s.args.split(/\s+/).map(Number));
    expect(exposed.sort()).toEqual(listenPorts(l).sort());
    expect(exposed.sort()).toEqual([9080, 9090, 9091, 9180]);
    checkHealthTarget(healthTarget(imageEnv()), l, 'image');
  });

  it('starts the CLI with a verb and options it has, on the config it copies', () => {
    const [node, bin = ''] = jsonArgs('ENTRYPOINT');
    expect(node).toBe('node');
    expect(bin).toMatch(/\/bin\/tollgate\.js$/);
    const copiedTo = finalStage
      .filter((s) => s.op === 'COPY' && s.args.startsWith('--from='))
      .map((s) => s.args.split(/\s+/).at(-1) ?? '');
    expect(copiedTo.some((dir) => bin.startsWith(dir.replace(/\/?$/, '/')))).toBe(true);
    checkTollgateArgs(jsonArgs('CMD'), 'Dockerfile CMD', cliGrammar());
    expect(
      finalStage.some(
        (s) => s.op === 'COPY' && s.args === `deploy/docker/config.yaml ${IMAGE_CONFIG_PATH}`,
      ),
    ).toBe(true);
    // The admin key comes from the environment, never from the file.
    const key = String(
      get(parse(read('deploy/docker/config.yaml')), 'deployment.admin.admin_key.0.key'),
    );
    expect(key).toMatch(/^\$\{\{\w+(:=)?\}\}$/);
  });
});

describe('deploy/compose.yaml', () => {
  const compose = obj(parse(read('deploy/compose.yaml'), { merge: true }), 'compose.yaml');
  const services = obj(compose.services, 'services');
  const tollgate = Object.entries(services).filter(([, s]) =>
    String(get(s, 'image')).startsWith('tollgate:'),
  );
  const grammar = cliGrammar();

  const envOf = (svc: unknown): Record<string, string> => {
    const e = get(svc, 'environment') ?? {};
    const pairs = Array.isArray(e)
      ? e.map((x) => String(x).split('=') as [string, string])
      : Object.entries(obj(e, 'environment')).map(([k, v]) => [k, String(v)] as [string, string]);
    return { ...imageEnv(), ...Object.fromEntries(pairs) };
  };
  /** The node's config, env resolved, and its listeners (--role overriding deployment.role). */
  const nodeOf = (name: string, svc: unknown): { config: unknown; l: Listeners; role: string } => {
    const mount = arr(get(svc, 'volumes') ?? [], `${name}.volumes`)
      .map(String)
      .find((v) => v.split(':')[1] === IMAGE_CONFIG_PATH);
    const file = mount
      ? path.join('deploy', mount.split(':')[0] ?? '')
      : 'deploy/docker/config.yaml';
    const config = resolveEnv(parse(read(file)), envOf(svc));
    const args = arr(get(svc, 'command'), `${name}.command`).map(String);
    const roleArg = args.includes('--role') ? args[args.indexOf('--role') + 1] : undefined;
    const role = roleArg ?? str(get(config, 'deployment.role'), 'traditional');
    return { config, l: listeners(config, role), role };
  };

  it('pins every image and has the services the layout names', () => {
    for (const [name, s] of Object.entries(services)) checkImageRef(String(get(s, 'image')), name);
    expect(Object.keys(services).sort()).toEqual(
      [
        'etcd',
        'redis',
        'control-plane',
        'data-plane-1',
        'data-plane-2',
        'mock-llm-b',
        'mock-llm-c',
        'init',
      ].sort(),
    );
  });

  it('runs every tollgate container with a verb and options the CLI lists', () => {
    expect(tollgate.length).toBe(5);
    for (const [name, s] of tollgate) {
      checkTollgateArgs(arr(get(s, 'command'), `${name}.command`), `compose ${name}`, grammar);
    }
  });

  it('gives each node its role, publishes only ports it listens on, and health-checks a listener', () => {
    const roles = tollgate
      .filter(([, s]) => get(s, 'command.0') === 'start')
      .map(([name, s]) => {
        const { config, l, role } = nodeOf(name, s);
        const published = arr(get(s, 'ports') ?? [], `${name}.ports`).map((p) =>
          Number(String(p).split(':').at(-1)),
        );
        for (const p of published)
          expect(`${name} ${p}`).toBe(
            `${name} ${listenPorts(l).includes(p) ? p : 'not a listener'}`,
          );
        const hc = get(s, 'healthcheck.test');
        if (hc === undefined) checkHealthTarget(healthTarget(envOf(s)), l, name);
        else {
          const port = /connect\((\d+)|:(\d+)\//.exec(arr(hc, `${name}.healthcheck`).join(' '));
          expect(listenPorts(l)).toContain(Number(port?.[1] ?? port?.[2]));
        }
        const etcd =
          envOf(s).TOLLGATE_ETCD_HOST ?? arr(get(config, 'deployment.etcd.host'), 'etcd').join(',');
        expect(`${name} ${etcd}`).toBe(`${name} http://etcd:2379`);
        return [name, role];
      });
    expect(roles.sort()).toEqual([
      ['control-plane', 'control_plane'],
      ['data-plane-1', 'data_plane'],
      ['data-plane-2', 'data_plane'],
    ]);
  });

  it('init PUTs scenario 1 through the Admin API with its instances on the mock LLM services', () => {
    const init = services.init;
    const script = arr(get(init, 'command'), 'init.command').join(' ');
    const { l } = nodeOf('control-plane', services['control-plane']);
    expect(script).toContain(`http://control-plane:${l.admin}/apisix/admin/routes`);
    expect(script).toContain('-X PUT');
    expect(script).toMatch(/X-API-KEY: \$\$\w+/);
    const mounted = arr(get(init, 'volumes'), 'init.volumes').map((v) => String(v).split(':')[0]);
    expect(mounted.some((m) => m === './examples' || m === './examples/scenario1-route.json')).toBe(
      true,
    );
    // Every 127.0.0.1 endpoint of the example is rewritten to a mock LLM service on its port.
    const route = read('deploy/examples/scenario1-route.json');
    const local = new Set([...route.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]));
    expect(local.size).toBe(2);
    for (const port of local) {
      const rewrite = new RegExp(
        `127\\\\?\\.0\\\\?\\.0\\\\?\\.1:${port}[#/|]([a-z0-9-]+):${port}[#/|]g`,
      ).exec(script);
      const target = rewrite?.[1] ?? `(no rewrite of 127.0.0.1:${port})`;
      const args = arr(get(services[target], 'command'), `${target}.command`).map(String);
      expect(args[0]).toBe('mock-llm');
      expect(args[args.indexOf('--port') + 1]).toBe(port);
      expect(args[args.indexOf('--host') + 1]).toBe('0.0.0.0');
    }
  });
});
