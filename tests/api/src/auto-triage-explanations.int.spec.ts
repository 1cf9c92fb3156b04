import { renderTriageReason } from '@complaints/contracts';
import { InProcessSystem } from './support/in-process-system';

/**
 * An automatic triage (the site's policy applies the suggestion for some categories) records
 * its reasons as codes with parameters (`explanations`), not as an English note, so every
 * reader sees them in their own language. Through the composed system on a real PostgreSQL,
 * the triage service's consumer doing the triage.
 */
const system = new InProcessSystem();
let previousSites: string | undefined;

beforeAll(async () => {
  previousSites = process.env.SITES_JSON;
  // Read by the site directory when the system starts.
  process.env.SITES_JSON = JSON.stringify([{ id: 'site-a', name: '阳光花园', policy: { triage: { autoApplyCategories: ['facilities'] } } }]);
  await system.start();
}, 60_000);

afterAll(async () => {
  await system.stop();
  if (previousSites === undefined) delete process.env.SITES_JSON;
  else process.env.SITES_JSON = previousSites;
});

type Event = { type: string; data: Record<string, unknown> };

it('given a site whose policy triages facilities complaints automatically, when one is registered, then its ComplaintTriaged carries the reasons as catalogue codes and no English note', async () => {
  const reg = await system.request('POST', '/api/complaints', {
    username: 'assistant.a',
    body: { siteId: 'site-a', channel: 'phone', complainant: { name: '吴先生', phone: '13900000011', building: '8', unit: '801' }, title: '门禁坏了', description: '8号楼单元门禁刷卡打不开' },
  });
  expect(reg.status).toBe(201);
  let triaged: Event | undefined;
  for (let i = 0; i < 200 && !triaged; i++) {
    const history = (await system.request('GET', `/api/complaints/${String(reg.body.id)}/history`, { username: 'admin' })).body.events as Event[] | undefined;
    triaged = history?.find((e) => e.type === 'ComplaintTriaged');
    if (!triaged) await new Promise((r) => setTimeout(r, 100));
  }
  expect(triaged?.data).toMatchObject({ automatic: true, category: 'facilities', department: 'engineering' });
  expect(triaged?.data.note).toBeUndefined();
  const explanations = triaged?.data.explanations as { code: string; params: Record<string, string | number | string[]> }[];
  expect(explanations.map((e) => e.code)).toEqual(expect.arrayContaining(['category_keyword', 'department_map', 'nature_default']));
  const zh = explanations.map((e) => renderTriageReason('zh', e));
  expect(zh).toContain('命中关键词“门禁” → 类别：设施设备');
  for (const line of zh) expect(line.replace(/“[^”]*”/g, '')).not.toMatch(/[A-Za-z]{2,}/);
  expect(explanations.map((e) => renderTriageReason('en', e))).toContain('category facilities → department: Engineering'.replace('facilities', 'Facilities & equipment'));
}, 60_000);
