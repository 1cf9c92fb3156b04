/**
 * The gateway (gateway.cjs) as a process of its own, for a container platform
 * (infra/k8s/): listens on HOST:PORT (0.0.0.0:3000) and proxies to each service at
 * `<NAME>_URL` (default http://<name>:<port>, the Kubernetes Service of the same name).
 *
 *   node tools/cluster/gateway-main.cjs
 *
 * `GET /gateway/health` answers 200 while the gateway runs (its own liveness); its
 * `/api/health` is reporting's, through the proxy (readiness: the API is usable).
 */
const { SERVICES } = require('./routes.cjs');
const { createGateway } = require('./gateway.cjs');

const services = Object.fromEntries(SERVICES.map(({ name, port }) => [name, process.env[`${name.toUpperCase()}_URL`] || `http://${name}:${port}`]));
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '0.0.0.0';
const log = (line, level = 'warn') => console.log(JSON.stringify({ time: new Date().toISOString(), level, service: 'gateway', msg: line }));

const proxy = createGateway({ services, log });
const handle = proxy.listeners('request')[0];
proxy.removeAllListeners('request');
proxy.on('request', (req, res) => {
  if (req.method === 'GET' && req.url === '/gateway/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  handle(req, res);
});
proxy.listen(port, host, () => log(`gateway on http://${host}:${port}, routing to ${JSON.stringify(services)}`, 'info'));
const stop = () => proxy.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
