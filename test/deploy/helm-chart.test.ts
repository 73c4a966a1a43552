/**
 * @module test/deploy/helm-chart
 * Static checks of deploy/helm/tollgate (docs/deployment.md): no Helm binary and no cluster here,
 * so the chart is rendered by the small renderer of ./deploy-lib.ts (only the template subset the
 * chart uses) with values.yaml and with values-standalone.yaml, and each object is checked. The
 * rendered manifests are committed under deploy/k8s/; `UPDATE_DEPLOY_K8S=1` rewrites them after a
 * chart change (then `prettier --write deploy/k8s`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  CHART,
  DEPLOY,
  type Obj,
  RENDERS,
  ROOT,
  arr,
  checkImageRef,
  checkTollgateArgs,
  cliGrammar,
  get,
  isObj,
  listenPorts,
  listeners,
  obj,
  read,
  renderChart,
  str,
  yamlFiles,
} from './deploy-lib';

describe('deploy/helm and deploy/k8s: every YAML file parses', () => {
  const files = [...yamlFiles(CHART), ...yamlFiles(path.join(DEPLOY, 'k8s'))];
  it.each(files.map((f) => path.relative(ROOT, f)))('%s', (rel) => {
    for (const doc of parseAllDocuments(read(rel))) expect(doc.errors).toEqual([]);
  });
  it('includes the values files and both rendered manifests', () => {
    expect(files.map((f) => path.relative(ROOT, f)).sort()).toEqual(
      expect.arrayContaining([
        'deploy/helm/tollgate/values.yaml',
        'deploy/helm/tollgate/values-standalone.yaml',
        'deploy/k8s/tollgate.yaml',
        'deploy/k8s/tollgate-standalone.yaml',
      ]),
    );
  });
});

describe('deploy/helm/tollgate', () => {
  const grammar = cliGrammar();

  it('uses only the template subset the test renders', () => {
    const dir = path.join(CHART, 'templates');
    for (const f of fs.readdirSync(dir)) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      expect(src).not.toMatch(/\{\{-?\s*(include|define|template|range|with)\b/);
    }
  });

  describe.each(RENDERS)('rendered with $values', ({ values, out }) => {
    const objects = renderChart(values);
    const byKind = (kind: string): Obj[] => objects.filter((o) => o.kind === kind);
    const standalone = values.includes('values-standalone.yaml');

    it('gives every object apiVersion, kind and metadata.name', () => {
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) {
        expect(typeof o.apiVersion).toBe('string');
        expect(typeof o.kind).toBe('string');
        expect(get(o, 'metadata.name')).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      }
      const names = objects.map((o) => `${String(o.kind)}/${String(get(o, 'metadata.name'))}`);
      expect(new Set(names).size).toBe(names.length);
    });

    it('has the expected objects', () => {
      const kinds = objects
        .map((o) => `${String(o.kind)}/${String(get(o, 'metadata.name'))}`)
        .sort();
      const cp = standalone
        ? []
        : [
            'ConfigMap/tollgate-control-plane',
            'Deployment/tollgate-control-plane',
            'PodDisruptionBudget/tollgate-control-plane',
            'Service/tollgate-admin',
          ];
      expect(kinds).toEqual(
        [
          ...cp,
          'ConfigMap/tollgate-data-plane',
          'Deployment/tollgate-data-plane',
          'PodDisruptionBudget/tollgate-data-plane',
          'Service/tollgate-gateway',
          'ServiceMonitor/tollgate-data-plane',
        ].sort(),
      );
    });

    it('runs Deployments whose selector matches their pods, with image, probes and the config ports', () => {
      for (const d of byKind('Deployment')) {
        const name = String(get(d, 'metadata.name'));
        expect(d.apiVersion).toBe('apps/v1');
        const selector = obj(get(d, 'spec.selector.matchLabels'), `${name} selector`);
        const labels = obj(get(d, 'spec.template.metadata.labels'), `${name} labels`);
        for (const [k, v] of Object.entries(selector)) expect(labels[k]).toBe(v);
        expect(get(d, 'spec.template.spec.securityContext.runAsNonRoot')).toBe(true);
        const containers = arr(get(d, 'spec.template.spec.containers'), `${name} containers`);
        expect(containers.length).toBe(1);
        const c = containers[0];
        checkImageRef(String(get(c, 'image')), name);
        checkTollgateArgs(arr(get(c, 'args'), `${name} args`), name, grammar);
        const configPath = str(get(c, 'args.2'), '');
        expect(path.basename(configPath)).toBe('config.yaml');

        // The config it mounts, from the rendered ConfigMap.
        const volumes = arr(get(d, 'spec.template.spec.volumes'), `${name} volumes`);
        const mounts = arr(get(c, 'volumeMounts'), `${name} mounts`);
        const confMount = mounts.find((m) => get(m, 'mountPath') === path.dirname(configPath));
        const vol = volumes.find((v) => get(v, 'name') === get(confMount, 'name'));
        const cm = byKind('ConfigMap').find(
          (m) => get(m, 'metadata.name') === get(vol, 'configMap.name'),
        );
        const config = parse(String(obj(get(cm, 'data'), 'data')['config.yaml'])) as unknown;
        const l = listeners(config);

        const ports = arr(get(c, 'ports'), `${name} ports`);
        const portByName = new Map(
          ports.map((p) => [get(p, 'name'), Number(get(p, 'containerPort'))]),
        );
        expect([...portByName.values()].sort()).toEqual(listenPorts(l).sort());
        for (const probe of ['readinessProbe', 'livenessProbe']) {
          const p = obj(get(c, probe), `${name} ${probe}`);
          const http = get(p, 'httpGet');
          const port = portByName.get(get(http ?? p.tcpSocket, 'port'));
          expect(port).toBeDefined();
          if (l.control) {
            // Gateways: the control API's readiness, reachable on the pod IP.
            expect(get(http, 'path')).toBe('/status/ready');
            expect(port).toBe(l.control.port);
            expect(l.control.ip).toBe('0.0.0.0');
          } else {
            expect(port).toBe(l.admin);
          }
        }
        if (l.metrics) expect(l.metrics.ip).toBe('0.0.0.0');

        if (get(config, 'deployment.role_data_plane.config_provider') === 'yaml') {
          const file = String(get(config, 'deployment.role_data_plane.config_file'));
          expect(path.dirname(file)).toBe(get(confMount, 'mountPath'));
          const apisixYaml = String(
            get(cm, `data`) && obj(get(cm, 'data'), 'data')[path.basename(file)],
          );
          expect(apisixYaml.trimEnd().endsWith('#END')).toBe(true);
          expect(get(parse(apisixYaml), 'routes.0.id')).toBe('chat');
          expect(get(config, 'deployment.etcd')).toBeUndefined();
        }
      }
    });

    it('has Services whose selectors pick a Deployment and whose target ports it declares', () => {
      for (const s of byKind('Service')) {
        const selector = obj(get(s, 'spec.selector'), 'selector');
        const d = byKind('Deployment').find((dep) =>
          Object.entries(selector).every(
            ([k, v]) => get(dep, 'spec.template.metadata.labels')?.[k as never] === v,
          ),
        );
        expect(d).toBeDefined();
        const names = arr(get(d, 'spec.template.spec.containers.0.ports'), 'ports').map((p) =>
          get(p, 'name'),
        );
        for (const p of arr(get(s, 'spec.ports'), 'service ports')) {
          expect(typeof get(p, 'port')).toBe('number');
          expect(names).toContain(get(p, 'targetPort'));
        }
      }
    });

    it('has PodDisruptionBudgets and a ServiceMonitor that select existing objects', () => {
      const matches = (sel: Obj, labels: unknown): boolean =>
        Object.entries(sel).every(
          ([k, v]) => get(labels, k) === v || (isObj(labels) && labels[k] === v),
        );
      for (const pdb of byKind('PodDisruptionBudget')) {
        expect(pdb.apiVersion).toBe('policy/v1');
        expect(typeof get(pdb, 'spec.minAvailable')).toBe('number');
        const sel = obj(get(pdb, 'spec.selector.matchLabels'), 'pdb selector');
        expect(
          byKind('Deployment').some((d) => matches(sel, get(d, 'spec.template.metadata.labels'))),
        ).toBe(true);
      }
      const [sm] = byKind('ServiceMonitor');
      expect(sm?.apiVersion).toBe('monitoring.coreos.com/v1');
      const sel = obj(get(sm, 'spec.selector.matchLabels'), 'servicemonitor selector');
      const svc = byKind('Service').find((s) => matches(sel, get(s, 'metadata.labels')));
      expect(svc).toBeDefined();
      const endpoint = get(sm, 'spec.endpoints.0');
      expect(get(endpoint, 'path')).toBe('/apisix/prometheus/metrics');
      const port = arr(get(svc, 'spec.ports'), 'ports').find(
        (p) => get(p, 'name') === get(endpoint, 'port'),
      );
      expect(get(port, 'port')).toBe(9091);
    });

    it(`matches the committed ${out}`, () => {
      const file = path.join(ROOT, out);
      if (process.env.UPDATE_DEPLOY_K8S === '1') {
        const header =
          `# Generated from deploy/helm/tollgate (${values.join(' + ')}, release "tollgate") by\n` +
          `# test/deploy/helm-chart.test.ts; do not edit. UPDATE_DEPLOY_K8S=1 rewrites it.\n`;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, header + objects.map((o) => stringify(o)).join('---\n'));
      }
      const committed = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
        (d) => d.toJS() as unknown,
      );
      expect(committed).toEqual(objects);
    });
  });
});
