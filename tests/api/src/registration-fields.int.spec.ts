import { InProcessSystem } from './support/in-process-system';

/**
 * Registration's optional record fields (POST /api/complaints): when the complaint reached the
 * company (receivedAt — a letter or a relayed complaint is registered later, and its deadlines
 * count from receipt), where it happened, whom it is about (conflict of interest) and who first
 * received it (首问责任人). Checked on the stored event: the HTTP layer passes them to the domain.
 */
const system = new InProcessSystem();
const HOUR = 3_600_000;

const body = (extra: Record<string, unknown> = {}) => ({
  siteId: 'site-a',
  channel: 'letter',
  complainant: { name: '张三', phone: '13800138000', building: '1', unit: '101' },
  title: '来信反映电梯异响',
  description: '信中反映2号楼电梯运行有异响',
  ...extra,
});

const registeredEvent = async (id: string): Promise<Record<string, unknown>> => {
  const { rows } = await system.sql.query<{ data: Record<string, unknown> }>(`SELECT data FROM event_store.events WHERE stream_id = $1 AND type = 'ComplaintRegistered'`, [`complaint-${id}`]);
  return rows[0].data;
};

beforeAll(async () => {
  await system.start();
}, 60_000);

afterAll(async () => {
  await system.stop();
});

describe('Registering a complaint with the optional record fields', () => {
  it('should count the first reply from the receipt a letter names (deadlines run from receipt, 接报后), and keep location, subjects and first-contact owner', async () => {
    const receivedAt = new Date(Date.now() - 26 * HOUR).toISOString();
    const res = await system.request('POST', '/api/complaints', {
      username: 'assistant.a',
      body: body({ receivedAt, location: '2号楼电梯', subjectEmployeeIds: ['u-eng-3'], firstContactOwner: { id: 'u-guard-7', name: '秩序部 孙' } }),
    });
    expect(res.status).toBe(201);
    const data = await registeredEvent(String(res.body.id));
    expect(data).toMatchObject({
      receivedAt,
      location: '2号楼电梯',
      subjectEmployeeIds: ['u-eng-3'],
      firstContactOwner: { id: 'u-guard-7', name: '秩序部 孙' },
      deadlines: { firstReply: new Date(Date.parse(receivedAt) + 24 * HOUR).toISOString() },
    });
  });

  it('should default receipt to the registration and the first-contact owner to the registering user', async () => {
    const before = Date.now();
    const res = await system.request('POST', '/api/complaints', { username: 'assistant.a', body: body({ channel: 'phone' }) });
    expect(res.status).toBe(201);
    const data = await registeredEvent(String(res.body.id));
    expect(Date.parse(String(data.receivedAt))).toBeGreaterThanOrEqual(before - 1_000);
    expect((data.firstContactOwner as { id: string }).id).not.toBe('u-guard-7');
  });

  it.each([
    ['a receipt in the future', { receivedAt: new Date(Date.now() + HOUR).toISOString() }, 'receivedAt'],
    ['a receipt before the event it reports', { receivedAt: new Date(Date.now() - 2 * HOUR).toISOString(), occurredAt: new Date(Date.now() - HOUR).toISOString() }, 'occurredAt'],
    ['a receipt more than 30 days back', { receivedAt: new Date(Date.now() - 31 * 24 * HOUR).toISOString() }, 'receivedAt'],
    ['a receipt that is not an instant', { receivedAt: 'yesterday' }, 'receivedAt'],
    ['subjects that are not a list of ids', { subjectEmployeeIds: 'u-eng-3' }, 'subjectEmployeeIds'],
    ['a first-contact owner without an id', { firstContactOwner: { name: '孙' } }, 'firstContactOwner'],
  ] as [string, Record<string, unknown>, string][])('should refuse %s with a 4xx naming the field, appending nothing', async (_, extra, field) => {
    const before = await system.eventCount();
    const res = await system.request('POST', '/api/complaints', { username: 'assistant.a', body: body(extra) });
    expect([res.status >= 400 && res.status < 500, res.text.includes(field)]).toEqual([true, true]);
    expect(await system.eventCount()).toBe(before);
  });
});
