import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';

/**
 * The Kubernetes manifests (infra/k8s, kustomize) cannot be applied here (no cluster), so
 * every resource is validated against the Kubernetes API's JSON schemas as the
 * `kubernetes-models` package ships them, and what the schemas cannot see is checked here:
 * the kustomization lists every file, selectors match pods, Services target named ports,
 * probes ask /api/health, and each Deployment runs the service its name says.
 */
const root = join(__dirname, '../../..');
const dir = join(root, 'infra/k8s');

type Probe = { httpGet?: { path: string; port: string | number } };
type Container = {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
};
type Resource = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    ports?: { name?: string; port: number; targetPort?: string | number }[];
  };
  data?: Record<string, string>;
};

/** The schema-backed model class of each kind the manifests use; another kind is refused. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment as never,
  'v1/Service': Service as never,
  'v1/ConfigMap': ConfigMap as never,
  'v1/Namespace': Namespace as never,
};

const validateResource = (resource: Resource): void => {
  const Model = MODELS[`${resource.apiVersion}/${resource.kind}`];
  if (!Model) throw new Error(`no schema for ${resource.apiVersion} ${resource.kind}`);
  new Model(resource as never).validate();
};

/**
 * The fields a Kubernetes type has, read from the package's compiled schema of that type.
 * Its validators accept unknown fields (as `kubectl apply` would, with a warning, dropping
 * them), so a misspelt probe would pass them silently: this catches it.
 */
const schemasDir = join(dirname(require.resolve('kubernetes-models/apps/v1/Deployment')), '../../_schemas');
const knownFields = (schema: string): Set<string> => {
  const source = readFileSync(join(schemasDir, `${schema}.js`), 'utf8');
  return new Set([...source.matchAll(/parentDataProperty:"(\w+)"/g), ...source.matchAll(/void 0===data\.(\w+)/g)].map((m) => m[1]));
};
const unknownFields = (resource: Resource): string[] => {
  const problems: string[] = [];
  const check = (value: unknown, schema: string, at: string) => {
    if (!value || typeof value !== 'object') return;
    const known = knownFields(schema);
    for (const key of Object.keys(value)) if (!known.has(key)) problems.push(`${at}.${key}`);
  };
  const spec = resource.spec as Record<string, unknown> | undefined;
  if (resource.kind === 'Deployment') {
    check(spec, 'IoK8sApiAppsV1DeploymentSpec', 'spec');
    check(spec?.template, 'IoK8sApiCoreV1PodTemplateSpec', 'spec.template');
    const pod = resource.spec?.template?.spec as unknown as Record<string, unknown> | undefined;
    check(pod, 'IoK8sApiCoreV1PodSpec', 'spec.template.spec');
    for (const [i, container] of (resource.spec?.template?.spec.containers ?? []).entries()) {
      const at = `spec.template.spec.containers[${i}]`;
      check(container, 'IoK8sApiCoreV1Container', at);
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) check(container[probe], 'IoK8sApiCoreV1Probe', `${at}.${probe}`);
    }
  }
  if (resource.kind === 'Service') check(spec, 'IoK8sApiCoreV1ServiceSpec', 'spec');
  return problems;
};

const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { namespace: string; resources: string[]; images: { name: string; newName: string }[] };
const resources: (Resource & { file: string })[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map(String).join('; ')}`);
    return { ...(doc.toJS() as Resource), file };
  }),
);
const find = (kind: string, name: string) => resources.find((r) => r.kind === kind && r.metadata.name === name);
const strip = ({ file: _file, ...resource }: Resource & { file: string }): Resource => resource;

const SERVICES: Record<string, number> = { intake: 3001, triage: 3002, handling: 3003, callback: 3004, reporting: 3005 };

describe('Kubernetes manifests (infra/k8s)', () => {
  it('should list every manifest of the folder in the kustomization, in the complaints namespace, on the one image', () => {
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.namespace).toBe('complaints');
    expect(find('Namespace', 'complaints')).toBeDefined();
    const images = new Set(resources.flatMap((r) => r.spec?.template?.spec.containers.map((c) => c.image) ?? []));
    expect([...images]).toEqual(kustomization.images.map((i) => i.name));
  });

  it('should validate every resource against the Kubernetes API schemas', () => {
    const problems: string[] = [];
    for (const resource of resources) {
      try {
        validateResource(strip(resource));
      } catch (error) {
        problems.push(`${resource.file} ${resource.kind}/${resource.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('should use only fields the Kubernetes types have (a misspelt field would be dropped silently)', () => {
    expect(resources.flatMap((r) => unknownFields(r).map((f) => `${r.file} ${r.kind}/${r.metadata.name}: ${f}`))).toEqual([]);
    const typo = structuredClone(strip(find('Deployment', 'intake')!));
    const container = typo.spec!.template!.spec.containers[0] as unknown as Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    expect(unknownFields(typo)).toEqual(['spec.template.spec.containers[0].readinesProbe']);
  });

  it('should refuse a manifest the API server would refuse (the validator is not a no-op)', () => {
    const deployment = structuredClone(strip(find('Deployment', 'intake')!));
    const container = deployment.spec!.template!.spec.containers[0] as unknown as Record<string, unknown>;
    container.ports = [{ name: 'http', containerPort: 'three thousand' }];
    expect(() => validateResource(deployment)).toThrow();
    const noSelector = structuredClone(strip(find('Deployment', 'intake')!));
    delete noSelector.spec!.selector;
    expect(() => validateResource(noSelector)).toThrow();
    expect(() => validateResource({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toThrow(/no schema/);
  });

  it.each(Object.entries(SERVICES))('should run %s on port %i behind its Service, with its probes on /api/health', (name, port) => {
    const deployment = find('Deployment', name)!;
    const service = find('Service', name)!;
    expect(deployment).toBeDefined();
    expect(service).toBeDefined();
    const labels = deployment.spec!.template!.metadata.labels;
    expect(labels).toMatchObject(deployment.spec!.selector!.matchLabels!);
    expect(labels).toMatchObject(service.spec!.selector as Record<string, string>);
    const [container] = deployment.spec!.template!.spec.containers;
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ SERVICE_NAME: name, PORT: String(port) });
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(service.spec!.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) expect(probe?.httpGet).toEqual({ path: '/api/health', port: 'http' });
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'complaints-env' } }, { secretRef: { name: 'complaints-secrets' } }]);
    // The image starts dist/apps/<SERVICE_NAME>/src/main.js.
    expect(existsSync(join(root, `apps/${name}/src/main.ts`))).toBe(true);
  });

  it('should run the relay in intake, the scheduler in handling and sign-in in reporting only', () => {
    const envOf = (name: string) => Object.fromEntries((find('Deployment', name)!.spec!.template!.spec.containers[0].env ?? []).map((e) => [e.name, e.value]));
    const shared = find('ConfigMap', 'complaints-env')!.data!;
    expect(shared).toMatchObject({ RELAY_ENABLED: 'false', SCHEDULER_ENABLED: 'false', BUS: 'kafka', HOST: '0.0.0.0' });
    expect(envOf('intake').RELAY_ENABLED).toBe('true');
    expect(envOf('handling').SCHEDULER_ENABLED).toBe('true');
    expect(envOf('reporting').AUTH_LOGIN_ENABLED).toBe('true');
    for (const key of ['JWT_SECRET', 'PERSONAL_DATA_KEY', 'ADMIN_PASSWORD', 'DATABASE_URL']) expect(shared).not.toHaveProperty(key);
  });

  it('should run the gateway from tools/cluster/gateway-main.cjs, ready through /api/health, routing to the Services by name and port', () => {
    const deployment = find('Deployment', 'gateway')!;
    const [container] = deployment.spec!.template!.spec.containers;
    expect(container.command).toEqual(['node', 'tools/cluster/gateway-main.cjs']);
    expect(existsSync(join(root, 'tools/cluster/gateway-main.cjs'))).toBe(true);
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/api/health', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/gateway/health', port: 'http' });
    expect(find('Service', 'gateway')!.spec!.ports).toEqual([{ name: 'http', port: 3000, targetPort: 'http' }]);
    // The gateway's default upstreams are these Services.
    const { SERVICES: routed } = require(join(root, 'tools/cluster/routes.cjs')) as { SERVICES: { name: string; port: number }[] };
    expect(Object.fromEntries(routed.map((s) => [s.name, s.port]))).toEqual(SERVICES);
    for (const { name, port } of routed) expect(find('Service', name)!.spec!.ports![0].port).toBe(port);
  });
});
