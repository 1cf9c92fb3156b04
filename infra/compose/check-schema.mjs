#!/usr/bin/env node
// Fallback validator for docker-compose.yml, used by validate.sh when no Compose v2 is
// installed (`docker compose config` is the real check; this is the next best thing).
//
//   node infra/compose/check-schema.mjs docker-compose.yml --deps <node_modules> --schema <compose-spec.json>
//
// 1. parses the YAML the way Compose does (anchors, aliases and `<<` merge keys resolved,
//    duplicate keys rejected);
// 2. validates the result against the Compose Specification JSON schema (draft-07, ajv),
//    once as written and once after ${VAR:-default} interpolation with only the sample
//    values of .env.example set (so every default is exercised); and checks that with an
//    empty environment interpolation fails (the secrets have no default);
// 3. checks what the schema cannot: depends_on targets exist, service_healthy targets
//    have a healthcheck, named volumes are declared, bind-mount sources exist, published
//    host ports are unique and bound to 127.0.0.1, and services built from this repo
//    publish no host port and set no container_name (so `--scale` works).
//
// Its dependencies (yaml, ajv, ajv-formats) are not project dependencies: validate.sh
// installs them into a temporary directory and passes it as --deps.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const file = args.find((a, i) => !a.startsWith('--') && !['--deps', '--schema'].includes(args[i - 1]));
const deps = opt('--deps');
const schemaFile = opt('--schema');
if (!file || !deps || !schemaFile) {
  console.error('usage: check-schema.mjs <compose file> --deps <node_modules dir> --schema <compose-spec.json>');
  process.exit(2);
}
const requireDep = createRequire(path.join(path.resolve(deps), 'noop.js'));
const YAML = requireDep('yaml');
const Ajv = requireDep('ajv').default ?? requireDep('ajv');
const addFormats = requireDep('ajv-formats').default ?? requireDep('ajv-formats');

const projectDir = path.dirname(path.resolve(file));
const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { merge: true, uniqueKeys: true });
if (doc.errors.length) {
  console.error(`YAML: ${doc.errors.map(String).join('\n')}`);
  process.exit(1);
}
const raw = doc.toJS({ maxAliasCount: 10000 });

// Compose interpolation with the environment of .env.example (next to the compose file:
// only the required secrets, with sample values) and nothing else: $$ -> $,
// ${V:-d} / ${V-d} -> the value or d, ${V:?e} -> the value or an error, ${V} / $V -> the value or "".
const envExample = path.join(projectDir, '.env.example');
const sampleEnv = fs.existsSync(envExample)
  ? Object.fromEntries(fs.readFileSync(envExample, 'utf8').split('\n').filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]))
  : {};
const interpolate = (env) => (s) => s.replace(
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
  (m, name, op, arg, bare) => {
    if (m === '$$') return '$';
    const value = env[name ?? bare];
    if (op === ':-' || op === '-') return value || arg;
    if (op === ':?' || op === '?') {
      if (!value) throw new Error(`required variable ${name} is unset: ${arg}`);
      return value;
    }
    return value ?? '';
  });
const walkWith = (env) => {
  const walk = (x) => (typeof x === 'string' ? interpolate(env)(x)
    : Array.isArray(x) ? x.map(walk)
      : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)])) : x);
  return walk;
};
const interpolated = walkWith(sampleEnv)(raw);
// Without them, Compose must refuse to start: no secret may have a default in the file.
let refusedWithoutSecrets = false;
try {
  walkWith({})(raw);
} catch {
  refusedWithoutSecrets = true;
}

const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
delete schema.$schema; // draft-07, ajv's default dialect; the https URL form is not preloaded
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let ok = true;
for (const [label, data] of [['as written', raw], ['interpolated with defaults', interpolated]]) {
  if (validate(data)) {
    console.log(`compose-spec schema (${label}): valid`);
  } else {
    ok = false;
    console.log(`compose-spec schema (${label}): INVALID`);
    for (const e of validate.errors) console.log(`  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

const problems = [];
const services = interpolated.services ?? {};
const volumes = Object.keys(interpolated.volumes ?? {});
const published = new Map();
for (const [name, svc] of Object.entries(services)) {
  const dependsOn = Array.isArray(svc.depends_on)
    ? Object.fromEntries(svc.depends_on.map((d) => [d, { condition: 'service_started' }]))
    : svc.depends_on ?? {};
  for (const [dep, { condition } = {}] of Object.entries(dependsOn)) {
    if (!services[dep]) problems.push(`${name}: depends_on unknown service "${dep}"`);
    else if (condition === 'service_healthy' && !services[dep].healthcheck) {
      problems.push(`${name}: waits for "${dep}" to be healthy but "${dep}" has no healthcheck`);
    }
  }
  for (const v of svc.volumes ?? []) {
    const source = typeof v === 'string' ? (v.includes(':') ? v.split(':')[0] : undefined) : v.source;
    if (!source) continue;
    if (source.startsWith('.') || source.startsWith('/')) {
      if (!fs.existsSync(path.resolve(projectDir, source))) problems.push(`${name}: bind-mount source ${source} does not exist`);
    } else if (!volumes.includes(source)) {
      problems.push(`${name}: named volume "${source}" is not declared under volumes:`);
    }
  }
  for (const p of svc.ports ?? []) {
    const text = typeof p === 'object' ? `${p.host_ip ? `${p.host_ip}:` : ''}${p.published ?? ''}:${p.target}` : String(p);
    const parts = text.split(':');
    const hostPort = parts.length >= 3 ? parts.at(-2) : parts.length === 2 ? parts[0] : undefined;
    if (!hostPort) continue;
    if (published.has(hostPort)) problems.push(`host port ${hostPort} published by both ${published.get(hostPort)} and ${name}`);
    published.set(hostPort, name);
    if (!text.startsWith('127.0.0.1:')) problems.push(`${name}: published port ${text} is not bound to 127.0.0.1`);
  }
  if (svc.build && (svc.ports?.length || svc.container_name)) {
    problems.push(`${name}: a fixed host port or container_name would prevent --scale ${name}=N`);
  }
}
if (!refusedWithoutSecrets) problems.push('the file starts without JWT_SECRET, PERSONAL_DATA_KEY and ADMIN_PASSWORD: each must be ${VAR:?message}, with no default');
if (problems.length) {
  ok = false;
  console.log(`semantic checks: ${problems.length} problem(s)`);
  for (const p of problems) console.log(`  ${p}`);
} else {
  console.log(`semantic checks: ok (${Object.keys(services).length} services; host ports ${[...published.keys()].join(', ')})`);
}
process.exit(ok ? 0 : 1);
