/**
 * @module test/deploy/k8s-schema
 * Kubernetes schema validation of the deployment manifests (docs/deployment.md), offline: every
 * object of the committed deploy/k8s/*.yaml and of the chart rendered fresh (./deploy-lib.ts) with
 * each values file is validated against the schema of its apiVersion/kind, as shipped by
 * `kubernetes-models` (validators generated from Kubernetes' OpenAPI spec) and
 * `@kubernetes-models/prometheus-operator` (from the Prometheus Operator's CRDs, for
 * ServiceMonitor). A kind with no schema here fails, so a new template cannot go unvalidated.
 *
 * Kubernetes' OpenAPI schemas allow unknown properties (the API server's strict field validation
 * rejects them, not the schema), so a second pass reports fields no schema property names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { DEPLOY, type Obj, RENDERS, ROOT, get, isObj, obj, renderChart } from './deploy-lib';

/** A model class of kubernetes-models: `validate()` runs the kind's generated validator on `this`. */
interface KindModel {
  apiVersion: string;
  kind: string;
  prototype: { validate(): void };
}

/** Every kind the chart may render. Add a template's kind here (with its model) to validate it. */
const MODELS: readonly KindModel[] = [
  ConfigMap,
  Deployment,
  PodDisruptionBudget,
  Service,
  ServiceMonitor,
];

const modelFor = (o: Obj): KindModel | undefined =>
  MODELS.find((m) => m.apiVersion === o.apiVersion && m.kind === o.kind);

const label = (o: Obj): string =>
  `${String(o.apiVersion)} ${String(o.kind)}/${String(get(o, 'metadata.name'))}`;

interface SchemaError {
  instancePath: string;
  message?: string;
  params?: unknown;
}

/** One line per error: the JSON path inside the object, then what is wrong there. */
function schemaErrors(model: KindModel, o: Obj): string[] {
  try {
    model.prototype.validate.call(o);
    return [];
  } catch (e) {
    const errors = (e as { errors?: SchemaError[] }).errors;
    if (!errors) throw e;
    return errors.map(
      (x) => `${x.instancePath || '/'}: ${x.message ?? 'invalid'} ${JSON.stringify(x.params)}`,
    );
  }
}

/**
 * Fields of the object that the kind's schema does not name. The generated validators read every
 * property their schema declares (present or not) and every key of a map-typed object, so a key
 * of an object the validator looked into, that it never read, is unknown to the schema. Objects
 * it never looked into (free-form fields) are not judged.
 */
function unknownFields(model: KindModel, o: Obj): string[] {
  const read = new Map<object, Set<PropertyKey>>();
  const proxies = new Map<object, object>();
  const wrap = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const known = proxies.get(v);
    if (known) return known;
    const seen = new Set<PropertyKey>();
    const proxy = new Proxy(v, {
      get(target, key, receiver) {
        seen.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
    });
    read.set(v, seen);
    proxies.set(v, proxy);
    return proxy;
  };
  // Errors are schemaErrors' to report; this pass only records what was read.
  try {
    model.prototype.validate.call(wrap(o));
  } catch {
    /* reported by schemaErrors */
  }
  const out: string[] = [];
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    if (!isObj(v)) return;
    const seen = read.get(v);
    for (const [k, x] of Object.entries(v)) {
      if (seen && seen.size > 0 && !seen.has(k)) out.push(`${at}/${k}: not in the schema`);
      walk(x, `${at}/${k}`);
    }
  };
  walk(o, '');
  return out;
}

/** Every problem of one object: no schema for its kind, schema errors, unknown fields. */
function validateObject(o: Obj): string[] {
  const model = modelFor(o);
  if (!model) return [`${label(o)}: no schema for this apiVersion/kind; add its model to MODELS`];
  return [...schemaErrors(model, o), ...unknownFields(model, o)].map((e) => `${label(o)} ${e}`);
}

const committed = (rel: string): Obj[] =>
  parseAllDocuments(fs.readFileSync(path.join(ROOT, rel), 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((o) => o !== null)
    .map((o) => obj(o, rel));

const manifests = fs
  .readdirSync(path.join(DEPLOY, 'k8s'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => `deploy/k8s/${f}`);

const sources: { name: string; objects: Obj[] }[] = [
  ...manifests.map((rel) => ({ name: rel, objects: committed(rel) })),
  ...RENDERS.map(({ values }) => ({
    name: `helm/tollgate rendered with ${values.join(' + ')}`,
    objects: renderChart(values),
  })),
];

describe('Kubernetes schemas (kubernetes-models, @kubernetes-models/prometheus-operator)', () => {
  it('covers both committed manifests', () => {
    expect(manifests).toEqual(
      expect.arrayContaining(['deploy/k8s/tollgate.yaml', 'deploy/k8s/tollgate-standalone.yaml']),
    );
  });

  describe.each(sources)('$name', ({ objects }) => {
    it('has objects', () => {
      expect(objects.length).toBeGreaterThan(0);
    });

    it.each(objects.map((o) => [label(o), o] as const))('%s is valid', (_name, o) => {
      expect(validateObject(o)).toEqual([]);
    });
  });

  describe('the checks themselves', () => {
    const [deployment] = renderChart(['values.yaml']).filter((o) => o.kind === 'Deployment');
    const broken = (edit: (d: Obj) => void): Obj => {
      const d = structuredClone(obj(deployment, 'Deployment'));
      edit(d);
      return d;
    };
    const container = (d: Obj): Obj => obj(get(d, 'spec.template.spec.containers.0'), 'container');

    it('reports a wrong type with its path', () => {
      const d = broken((x) => {
        obj(get(x, 'spec.template.spec.containers.0.ports.0'), 'port').containerPort = 'x';
      });
      expect(validateObject(d)).toEqual([
        expect.stringContaining(
          '/spec/template/spec/containers/0/ports/0/containerPort: must be integer',
        ),
      ]);
    });

    it('reports a missing required field', () => {
      const d = broken((x) => {
        delete obj(x.spec, 'spec').selector;
      });
      expect(validateObject(d)).toContainEqual(
        expect.stringMatching(/ \/spec: must have required property selector /),
      );
    });

    it('reports a misspelt field, and leaves free-form maps alone', () => {
      const d = broken((x) => {
        const c = container(x);
        c.readinesProbe = c.readinessProbe;
      });
      expect(validateObject(d)).toEqual([
        expect.stringContaining(
          '/spec/template/spec/containers/0/readinesProbe: not in the schema',
        ),
      ]);
    });

    it('fails on a kind it has no schema for', () => {
      expect(validateObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toEqual(
        [expect.stringContaining('no schema for this apiVersion/kind')],
      );
    });
  });
});
