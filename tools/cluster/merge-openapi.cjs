/**
 * One OpenAPI document from the five services' own: every path and method from the
 * service the gateway routes it to (routes.cjs), the schemas of all of them. What the
 * cluster gateway serves at /api/docs-json — the same operations as the embedded default.
 */
const { routeRequest } = require('./routes.cjs');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `/api/complaints/{id}/triage` → a concrete path to route (`{id}` → `x`). */
const samplePath = (template) => template.replace(/\{[^}]+\}/g, 'x');

/**
 * @param {{ name: string, document: object }[]} services the services' documents
 * @param {string} title the merged document's title
 * @returns {{ document: object, problems: string[] }} problems: operations served by another
 *   service than the one the gateway routes them to, and schemas defined differently by two services
 */
const mergeOpenApi = (services, title) => {
  const paths = {};
  const schemas = {};
  const tags = new Map();
  const problems = [];
  for (const { name, document } of services) {
    for (const [path, item] of Object.entries(document.paths || {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const owner = routeRequest(method, samplePath(path));
        if (owner !== name) {
          // Every service serves GET /api/health; the gateway shows the routed one's.
          if (!services.some((s) => s.name === owner && s.document.paths?.[path]?.[method])) problems.push(`${method.toUpperCase()} ${path}: served by ${name} but routed to ${owner}`);
          continue;
        }
        paths[path] = { ...(paths[path] || {}), [method]: operation };
      }
    }
    for (const [schema, definition] of Object.entries(document.components?.schemas || {})) {
      if (schemas[schema] && JSON.stringify(schemas[schema]) !== JSON.stringify(definition)) problems.push(`schema ${schema} differs between services (kept the first)`);
      else schemas[schema] = definition;
    }
    for (const tag of document.tags || []) tags.set(tag.name, tag);
  }
  const first = services[0]?.document || {};
  const document = {
    openapi: first.openapi || '3.0.0',
    paths,
    info: { ...(first.info || {}), title },
    tags: [...tags.values()],
    servers: [],
    components: { ...(first.components || {}), schemas },
  };
  return { document, problems };
};

module.exports = { mergeOpenApi, samplePath };
