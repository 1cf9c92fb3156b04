/**
 * The cluster's gateway: one base URL, http://localhost:3000, in front of the five service
 * processes — what nginx does in the container topology (infra/proxy/nginx.conf). Proxies
 * with http-proxy-middleware, routing each request by routes.cjs; serves one OpenAPI
 * document merged from the five services' own at /api/docs-json and a Swagger UI page at
 * /api/docs. Everything outside /api goes to reporting, which serves the dashboard.
 */
const http = require('node:http');
const { readFileSync, existsSync } = require('node:fs');
const { join, normalize } = require('node:path');
const { createProxyMiddleware } = require('http-proxy-middleware');
const { routeRequest } = require('./routes.cjs');
const { mergeOpenApi } = require('./merge-openapi.cjs');

/** An error in the API's error shape (docs/api.md "Errors"). */
const sendError = (res, statusCode, error, message) => {
  if (res.headersSent) return res.destroy();
  res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ statusCode, error, message }));
};

/** Swagger UI's files, from the package @nestjs/swagger itself uses. */
const swaggerUiDir = () => {
  const swaggerRequire = require('node:module').createRequire(require.resolve('@nestjs/swagger'));
  return swaggerRequire('swagger-ui-dist').getAbsoluteFSPath();
};

const DOCS_PAGE = (title) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/gateway-init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/api/docs-json', dom_id: '#swagger-ui', persistAuthorization: true });`;

/**
 * @param {{ services: Record<string, string>, title?: string, log?: (line: string) => void }} options
 *   services: name → base URL (http://127.0.0.1:3001, …)
 * @returns {http.Server} not yet listening
 */
const createGateway = ({ services, title = 'Complaints — all services (cluster)', log = () => undefined }) => {
  const proxy = createProxyMiddleware({
    target: services.reporting,
    router: (req) => services[routeRequest(req.method, req.url)],
    xfwd: true,
    proxyTimeout: 120_000,
    on: {
      error: (error, req, res) => {
        log(`gateway: ${req.method} ${req.url} → ${routeRequest(req.method, req.url)}: ${error.message}`);
        if (res instanceof http.ServerResponse) sendError(res, 502, 'Bad Gateway', `the ${routeRequest(req.method, req.url)} service is not answering`);
        else res.destroy();
      },
    },
  });

  const mergedDocument = async () => {
    const documents = await Promise.all(
      Object.entries(services).map(async ([name, url]) => {
        const res = await fetch(`${url}/api/docs-json`);
        if (!res.ok) throw new Error(`${name}: /api/docs-json answered ${res.status}`);
        return { name, document: await res.json() };
      }),
    );
    const { document, problems } = mergeOpenApi(documents, title);
    for (const problem of problems) log(`gateway: OpenAPI merge: ${problem}`);
    return document;
  };

  let uiDir;
  return http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/api/docs-json') {
      mergedDocument().then(
        (document) => {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
          res.end(JSON.stringify(document));
        },
        (error) => sendError(res, 502, 'Bad Gateway', `cannot merge the services' OpenAPI documents: ${error.message}`),
      );
      return;
    }
    if (req.method === 'GET' && (path === '/api/docs' || path === '/api/docs/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(DOCS_PAGE(title));
      return;
    }
    if (req.method === 'GET' && path === '/api/docs/gateway-init.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(DOCS_INIT);
      return;
    }
    const asset = /^\/api\/docs\/(swagger-ui\.css|swagger-ui-bundle\.js)$/.exec(path);
    if (req.method === 'GET' && asset) {
      uiDir = uiDir || swaggerUiDir();
      const file = normalize(join(uiDir, asset[1]));
      if (!existsSync(file)) return sendError(res, 404, 'Not Found', `${path} not found`);
      res.writeHead(200, { 'content-type': asset[1].endsWith('.css') ? 'text/css' : 'text/javascript', 'cache-control': 'public, max-age=3600' });
      res.end(readFileSync(file));
      return;
    }
    proxy(req, res, (error) => sendError(res, 502, 'Bad Gateway', error ? error.message : 'not proxied'));
  });
};

module.exports = { createGateway };
