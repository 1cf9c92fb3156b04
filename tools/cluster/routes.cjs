/**
 * Which of the five services answers a request of the public API (docs/api.md "Which
 * service answers"): reads belong to reporting, each command to the service that owns it.
 * The same table as infra/proxy/nginx.conf and tests/e2e's FiveProcessSystem.route; the
 * cluster gateway (gateway.cjs) routes by it, and tests/cluster checks it against every
 * operation of every service's OpenAPI document.
 */
const SERVICES = [
  { name: 'intake', port: 3001 },
  { name: 'triage', port: 3002 },
  { name: 'handling', port: 3003 },
  { name: 'callback', port: 3004 },
  { name: 'reporting', port: 3005 },
];

/** The service for `method path` (path may carry a query string). */
const routeRequest = (method, path) => {
  const p = path.split('?')[0].replace(/\/+$/, '') || '/';
  const m = method.toUpperCase();
  if (p.startsWith('/api/admin/clock')) return 'handling'; // tests only (CLOCK_CONTROL)
  if (p === '/api/events/stream') return 'reporting'; // the live stream: reporting announces what its projections applied
  if (p === '/api/callbacks' || p.startsWith('/api/callbacks/')) return 'callback';
  if (/^\/api\/complaints\/[^/]+\/triage(\/(suggestion|referral))?$/.test(p)) return 'triage';
  if (/^\/api\/complaints\/[^/]+\/notices(\/(retry|letter))?$/.test(p) || p === '/api/complainant-notices') return 'handling'; // complainant notices: handling's outbox
  if (m === 'GET' || m === 'HEAD') return 'reporting';
  if (p === '/api/complaints' || /^\/api\/complaints\/[^/]+\/(corrections|personal-data\/erasure|archive|attachments)$/.test(p)) return 'intake';
  if (/^\/api\/complaints\/[^/]+\/(replies|plan|resolve|escalate|reassign|major|compensations|outreach)$/.test(p)) return 'handling';
  if (/^\/api\/complaints\/[^/]+\/(callbacks|callback-exemption)$/.test(p)) return 'callback';
  return 'reporting';
};

module.exports = { SERVICES, routeRequest };
