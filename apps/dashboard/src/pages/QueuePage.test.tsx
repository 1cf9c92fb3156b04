import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import type { ComplaintView } from '../api/types';
import { ME, page, renderWith, view } from '../test/render';
import { QueuePage } from './QueuePage';

type Query = Record<string, unknown>;

/** A fake list endpoint over a handful of complaints, answering the filters the queues use. */
const serve = (all: ComplaintView[]) =>
  vi.spyOn(api, 'listComplaints').mockImplementation(async (q: Query) =>
    page(
      all.filter(
        (v) =>
          (!q.status || v.status === q.status) &&
          (!q.department || v.department === q.department) &&
          (q.major === undefined || v.major === q.major) &&
          (q.overdue === undefined || v.overdue.length > 0 === q.overdue),
      ),
    ),
  );

const sectionTitles = () => screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent?.replace(/\d+$/, '').trim());
const rowsIn = (testId: string) => within(screen.getByTestId(testId)).queryAllByTestId('queue-row');

const later = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const earlier = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

const complaints = () => [
  view({ number: 'A-001', status: 'registered', receivedAt: earlier(2) }),
  view({ number: 'A-002', status: 'registered', receivedAt: earlier(5) }),
  view({ number: 'A-003', status: 'in_progress', department: 'engineering', category: 'facilities', deadlines: { followUp: later(20), resolve: later(48) } }),
  view({ number: 'A-004', status: 'triaged', department: 'security', deadlines: { firstReply: earlier(1) }, overdue: ['firstReply'], escalationLevel: 1 }),
  view({ number: 'A-005', status: 'reopened', department: 'engineering', major: true, escalationLevel: 2, deadlines: { firstReply: later(1) } }),
  view({ number: 'A-006', status: 'resolved', department: 'engineering', deadlines: { callback: later(30) } }),
  view({ number: 'A-007', status: 'closed', department: 'engineering', deadlines: {} }),
];

describe('the work queue fits the role', () => {
  it('duty officer: the registered complaints to triage, oldest first, each opening the triage form', async () => {
    const list = serve(complaints());
    renderWith(<QueuePage refreshMs={0} />, { me: ME.duty });
    await waitFor(() => expect(rowsIn('queue-toTriage')).toHaveLength(2));
    expect(sectionTitles()).toEqual(['待判别的新投诉', '最近登记']);
    expect(rowsIn('queue-toTriage').map((r) => r.getAttribute('data-number'))).toEqual(['A-002', 'A-001']);
    expect(rowsIn('queue-toTriage')[0].getAttribute('href')).toMatch(/\/triage$/);
    expect(list).toHaveBeenCalledWith(expect.objectContaining({ siteId: 'site-a', status: 'registered' }), expect.anything());
  });

  it('department head: what the department owes and what is overdue, nothing of other departments', async () => {
    const list = serve(complaints());
    renderWith(<QueuePage refreshMs={0} />, { me: ME.enghead });
    await waitFor(() => expect(rowsIn('queue-owed')).toHaveLength(2));
    expect(sectionTitles()).toEqual(['本部门待处理', '本部门已超时', '本部门已处理、待回访']);
    expect(rowsIn('queue-owed').map((r) => r.getAttribute('data-number')).sort()).toEqual(['A-003', 'A-005']);
    expect(rowsIn('queue-deptResolved').map((r) => r.getAttribute('data-number'))).toEqual(['A-006']);
    expect(screen.getByText(/分派给工程部/)).toBeTruthy();
    for (const [q] of list.mock.calls) expect(q).toMatchObject({ department: 'engineering' });
  });

  it('customer assistant: callbacks due (from the callback queue) and follow-ups by nearest deadline', async () => {
    const all = complaints();
    serve(all);
    const resolved = all.find((v) => v.number === 'A-006') as ComplaintView;
    const callbacks = vi.spyOn(api, 'callbacks').mockResolvedValue(
      page([{ complaintId: resolved.id, number: 'A-006', siteId: 'site-a', status: 'open', openedAt: earlier(1), dueAt: later(30), attempts: 1, round: 1, satisfaction: null }]),
    );
    renderWith(<QueuePage refreshMs={0} />, { me: ME.assistant });
    await waitFor(() => expect(rowsIn('queue-callbacks')).toHaveLength(1));
    expect(sectionTitles()).toEqual(['待回访', '待跟进 / 待答复', '已超时']);
    expect(within(rowsIn('queue-callbacks')[0]).getByText('已回访 1 次')).toBeTruthy();
    expect(callbacks).toHaveBeenCalledWith(expect.objectContaining({ siteId: 'site-a', status: 'open' }), expect.anything());
    await waitFor(() => expect(rowsIn('queue-followUps').length).toBeGreaterThan(0));
    expect(rowsIn('queue-followUps').map((r) => r.getAttribute('data-number'))).toEqual(['A-004', 'A-005', 'A-001', 'A-002', 'A-003']);
    await waitFor(() => expect(rowsIn('queue-overdue').map((r) => r.getAttribute('data-number'))).toEqual(['A-004']));
    expect(within(rowsIn('queue-overdue')[0]).getByText(/已超时/)).toBeTruthy();
  });

  it('CS centre manager: escalations to their level, major and overdue complaints', async () => {
    serve(complaints());
    vi.spyOn(api, 'callbacks').mockResolvedValue(page([]));
    renderWith(<QueuePage refreshMs={0} />, { me: ME.csmanager });
    await waitFor(() => expect(rowsIn('queue-escalated')).toHaveLength(2));
    expect(sectionTitles().slice(0, 3)).toEqual(['升级至我处', '重大投诉', '已超时']);
    expect(rowsIn('queue-escalated').map((r) => r.getAttribute('data-number'))).toEqual(['A-005', 'A-004']);
    await waitFor(() => expect(rowsIn('queue-major').map((r) => r.getAttribute('data-number'))).toEqual(['A-005']));
  });

  it('general manager: only what reached level 2', async () => {
    serve(complaints());
    vi.spyOn(api, 'callbacks').mockResolvedValue(page([]));
    renderWith(<QueuePage refreshMs={0} />, { me: ME.gm });
    await waitFor(() => expect(rowsIn('queue-escalated').map((r) => r.getAttribute('data-number'))).toEqual(['A-005']));
  });

  it('auditor: recent and closed complaints, opening the audit view, across every site', async () => {
    const list = serve(complaints());
    renderWith(<QueuePage refreshMs={0} />, { me: ME.auditor });
    await waitFor(() => expect(rowsIn('queue-closed')).toHaveLength(1));
    expect(rowsIn('queue-closed')[0].getAttribute('href')).toMatch(/\/audit$/);
    expect(list.mock.calls[0][0]).not.toHaveProperty('siteId');
  });

  it('an API error shows in its section with a retry', async () => {
    vi.spyOn(api, 'listComplaints').mockRejectedValue(new (await import('../api/client')).ApiError(403, 'Forbidden', 'Not allowed for site site-a'));
    renderWith(<QueuePage refreshMs={0} />, { me: ME.duty });
    const alerts = await screen.findAllByRole('alert');
    expect(alerts[0].textContent).toContain('您没有权限执行此操作。');
    expect(alerts[0].textContent).toContain('Not allowed for site site-a');
    expect(within(alerts[0]).getByRole('button', { name: '重试' })).toBeTruthy();
  });
});
