import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { Metrics } from '@complaints/service-kit';

/**
 * The compose observability stack cannot be started here (no Docker engine), so its files
 * are checked the way Prometheus and Grafana would read them: the scrape config parsed and
 * held to the shape `promtool check config` accepts (durations, unique job names, a
 * service-discovery block per job) and aimed at every service's /api/metrics on its port;
 * the dashboard held to Grafana's dashboard JSON shape, on the provisioned datasource, and
 * every PromQL query naming only metrics the services really export.
 */
const root = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const yaml = (path: string) => parse(read(path), { uniqueKeys: true, merge: true }) as Record<string, unknown>;

const SERVICES: Record<string, number> = { intake: 3001, triage: 3002, handling: 3003, callback: 3004, reporting: 3005 };

/** Prometheus durations: `1d2h3m4s500ms` (promtool's model.ParseDuration). */
const DURATION = '^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$';

/** The part of Prometheus's configuration file format this project uses, with no unknown key allowed (Prometheus refuses them too). */
const prometheusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scrape_configs'],
  properties: {
    global: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scrape_interval: { type: 'string', pattern: DURATION, minLength: 2 },
        scrape_timeout: { type: 'string', pattern: DURATION, minLength: 2 },
        evaluation_interval: { type: 'string', pattern: DURATION, minLength: 2 },
        external_labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    rule_files: { type: 'array', items: { type: 'string' } },
    scrape_configs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['job_name'],
        properties: {
          job_name: { type: 'string', minLength: 1 },
          metrics_path: { type: 'string', pattern: '^/' },
          scheme: { enum: ['http', 'https'] },
          scrape_interval: { type: 'string', pattern: DURATION },
          scrape_timeout: { type: 'string', pattern: DURATION },
          authorization: { type: 'object', additionalProperties: false, properties: { type: { type: 'string' }, credentials: { type: 'string' }, credentials_file: { type: 'string' } } },
          static_configs: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['targets'], properties: { targets: { type: 'array', items: { type: 'string', pattern: '^[^/:]+:[0-9]+$' } }, labels: { type: 'object' } } },
          },
          dns_sd_configs: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['names'],
              properties: {
                names: { type: 'array', minItems: 1, items: { type: 'string' } },
                type: { enum: ['SRV', 'A', 'AAAA', 'MX', 'NS'] },
                port: { type: 'integer', minimum: 1, maximum: 65535 },
                refresh_interval: { type: 'string', pattern: DURATION },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** Grafana's dashboard JSON model, as far as this dashboard uses it. */
const datasourceRef = { type: 'object', additionalProperties: false, required: ['type', 'uid'], properties: { type: { const: 'prometheus' }, uid: { type: 'string' } } };
const dashboardSchema = {
  type: 'object',
  required: ['uid', 'title', 'schemaVersion', 'panels', 'time'],
  properties: {
    uid: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,40}$' },
    title: { type: 'string', minLength: 1 },
    schemaVersion: { type: 'integer', minimum: 30 },
    time: { type: 'object', required: ['from', 'to'] },
    templating: { type: 'object', required: ['list'], properties: { list: { type: 'array', items: { type: 'object', required: ['name', 'type'] } } } },
    panels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'type', 'title', 'gridPos'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          type: { enum: ['row', 'timeseries', 'stat', 'gauge', 'table', 'bargauge'] },
          title: { type: 'string', minLength: 1 },
          datasource: datasourceRef,
          gridPos: {
            type: 'object',
            additionalProperties: false,
            required: ['x', 'y', 'w', 'h'],
            properties: { x: { type: 'integer', minimum: 0, maximum: 23 }, y: { type: 'integer', minimum: 0 }, w: { type: 'integer', minimum: 1, maximum: 24 }, h: { type: 'integer', minimum: 1 } },
          },
          targets: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['refId', 'expr'], properties: { refId: { type: 'string' }, expr: { type: 'string', minLength: 1 }, legendFormat: { type: 'string' }, datasource: datasourceRef } },
          },
        },
      },
    },
  },
} as const;

const validate = (schema: object, value: unknown): string[] => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  const check = ajv.compile(schema);
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

type Panel = { id: number; type: string; title: string; datasource?: { uid: string }; gridPos: { x: number; y: number; w: number; h: number }; targets?: { refId: string; expr: string; datasource?: { uid: string } }[] };

describe('The compose observability stack', () => {
  const compose = yaml('docker-compose.yml') as { services: Record<string, { image?: string; volumes?: string[]; environment?: Record<string, string>; ports?: string[] }>; 'x-service-env': Record<string, string> };

  it('should run Jaeger, Prometheus and Grafana, and send every service\'s spans to Jaeger over OTLP/HTTP', () => {
    for (const name of ['jaeger', 'prometheus', 'grafana']) expect(compose.services[name]?.image).toBeTruthy();
    expect(compose['x-service-env'].OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^\$\{OTEL_EXPORTER_OTLP_ENDPOINT-http:\/\/jaeger:4318\}$/);
    for (const name of Object.keys(SERVICES)) expect(compose.services[name].environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(compose['x-service-env'].OTEL_EXPORTER_OTLP_ENDPOINT);
    // Every bind mount of the stack exists in the repository.
    for (const name of ['prometheus', 'grafana']) {
      for (const volume of compose.services[name].volumes ?? []) if (volume.startsWith('./')) expect(existsSync(join(root, volume.split(':')[0]))).toBe(true);
    }
    for (const name of ['jaeger', 'prometheus', 'grafana']) for (const port of compose.services[name].ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  describe('Prometheus', () => {
    const config = yaml('infra/observability/prometheus.yml') as { scrape_configs: { job_name: string; metrics_path?: string; dns_sd_configs?: { names: string[]; port: number }[] }[] };

    it('should read as a Prometheus configuration (promtool-equivalent: known keys, durations, unique job names)', () => {
      expect(validate(prometheusSchema, config)).toEqual([]);
      const jobs = config.scrape_configs.map((j) => j.job_name);
      expect(new Set(jobs).size).toBe(jobs.length);
    });

    it('should scrape /api/metrics of every replica of the five services on their ports', () => {
      expect(read('infra/observability/prometheus.yml').length).toBeGreaterThan(0);
      for (const [name, port] of Object.entries(SERVICES)) {
        const job = config.scrape_configs.find((j) => j.job_name === name);
        expect(job).toMatchObject({ metrics_path: '/api/metrics', dns_sd_configs: [{ names: [name], type: 'A', port }] });
        expect(compose.services[name]).toBeDefined();
        expect(compose.services[name].environment?.PORT).toBe(String(port));
      }
      const mounted = compose.services.prometheus.volumes?.find((v) => v.endsWith(':/etc/prometheus/prometheus.yml:ro'));
      expect(mounted).toBe('./infra/observability/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    });
  });

  describe('Grafana', () => {
    const dashboard = JSON.parse(read('infra/observability/grafana/dashboards/complaints.json')) as { panels: Panel[]; templating: { list: { name: string }[] } };
    const datasources = yaml('infra/observability/grafana/provisioning/datasources/prometheus.yml') as { apiVersion: number; datasources: { uid: string; type: string; url: string }[] };
    const providers = yaml('infra/observability/grafana/provisioning/dashboards/complaints.yml') as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

    it('should provision the Prometheus datasource and load the dashboard from the folder compose mounts', () => {
      expect(datasources).toMatchObject({ apiVersion: 1, datasources: [{ type: 'prometheus', url: 'http://prometheus:9090', uid: 'complaints-prometheus' }] });
      expect(providers).toMatchObject({ apiVersion: 1, providers: [{ type: 'file', options: { path: '/var/lib/grafana/dashboards' } }] });
      expect(compose.services.grafana.volumes).toEqual(
        expect.arrayContaining(['./infra/observability/grafana/provisioning:/etc/grafana/provisioning:ro', './infra/observability/grafana/dashboards:/var/lib/grafana/dashboards:ro']),
      );
    });

    it('should be a valid dashboard: the JSON model, unique panel ids, panels inside the 24-column grid, every query on the provisioned datasource', () => {
      expect(validate(dashboardSchema, dashboard)).toEqual([]);
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dashboard.panels) {
        expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
        if (panel.type === 'row') continue;
        expect(panel.datasource?.uid).toBe('complaints-prometheus');
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(refIds.length).toBeGreaterThan(0);
        expect(new Set(refIds).size).toBe(refIds.length);
        for (const target of panel.targets ?? []) expect(target.datasource?.uid ?? panel.datasource?.uid).toBe('complaints-prometheus');
      }
    });

    it('should query only metrics the services export, with balanced brackets and known template variables', async () => {
      const metrics = new Metrics('deploy-test');
      const exported = new Set<string>();
      for (const m of await metrics.registry.getMetricsAsJSON()) {
        exported.add(m.name);
        if (String(m.type) === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) exported.add(`${m.name}${suffix}`);
      }
      const variables = new Set(['__rate_interval', ...dashboard.templating.list.map((v) => v.name)]);
      for (const { panel, expr } of queries) {
        const named = expr.match(/\b(complaints_[a-z_]+|http_request_duration_seconds[a-z_]*|process_[a-z_]+|nodejs_[a-z_]+)\b/g) ?? [];
        expect({ panel, metrics: named.filter((n) => !exported.has(n)) }).toEqual({ panel, metrics: [] });
        expect(named.length).toBeGreaterThan(0);
        for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']]) expect(expr.split(open).length).toBe(expr.split(close).length);
        for (const variable of expr.match(/\$(\w+)/g) ?? []) expect(variables.has(variable.slice(1))).toBe(true);
        // Labels it filters or groups by exist on the metric (process is every series' default label).
        for (const by of expr.match(/by \(([^)]*)\)/g) ?? []) {
          for (const label of by.slice(4, -1).split(',').map((l) => l.trim())) expect(['le', 'process', 'route', 'status', 'method', 'group', 'projection']).toContain(label);
        }
      }
    });

    it('should show throughput, latency, consumer and projection lag, and dead letters (README "Metrics and lag")', () => {
      const all = queries.map((q) => q.expr).join('\n');
      for (const metric of [
        'http_request_duration_seconds_count',
        'http_request_duration_seconds_bucket',
        'complaints_events_appended_total',
        'complaints_consumer_events_total',
        'complaints_consumer_seconds_behind',
        'complaints_consumer_events_behind',
        'complaints_relay_position',
        'complaints_projection_events_applied_total',
        'complaints_consumer_dead_letters_total',
      ]) {
        expect(all).toContain(metric);
      }
      expect(queries.some((q) => /histogram_quantile\(0\.99, .*http_request_duration_seconds_bucket/.test(q.expr))).toBe(true);
    });
  });
});
