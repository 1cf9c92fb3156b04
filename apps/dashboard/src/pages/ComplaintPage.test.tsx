import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api/client';
import type { ComplaintView, HistoryEvent } from '../api/types';
import { ME, renderWith, view } from '../test/render';
import { ComplaintPage } from './ComplaintPage';

const ev = (seq: number, type: string, role: string, data: Record<string, unknown> = {}): HistoryEvent => ({
  seq,
  type,
  at: new Date(Date.UTC(2026, 10, 23, 8, seq)).toISOString(),
  actor: { id: `u-${role}`, role },
  data: { actor: { id: `u-${role}`, role, name: `${role}-name` }, ...data },
  hash: `h${seq}`,
  prevHash: seq === 1 ? '0'.repeat(64) : `h${seq - 1}`,
});

const HISTORY = [
  ev(1, 'ComplaintRegistered', 'duty_officer', { channel: 'phone', title: '电梯困人' }),
  ev(2, 'ComplaintTriaged', 'duty_officer', { nature: 'valid', severity: 'important', urgency: 'urgent', category: 'facilities', department: 'engineering' }),
  ev(3, 'FirstReplyGiven', 'department_head', { message: '已到场' }),
  ev(4, 'ComplaintResolved', 'department_head', { resolution: '已修复' }),
];

const open = (v: ComplaintView, history: HistoryEvent[], me = ME.assistant) => {
  vi.spyOn(api, 'complaint').mockResolvedValue(v);
  vi.spyOn(api, 'history').mockResolvedValue({ events: history });
  renderWith(<ComplaintPage id={v.id} />, { me, path: `/complaints/${v.id}` });
};

const actionButtons = async () => {
  const card = await screen.findByTestId('actions');
  await waitFor(() => expect(within(card).queryByText('加载中…')).toBeNull());
  return within(card)
    .queryAllByRole('button')
    .concat(within(card).queryAllByRole('link'))
    .map((b) => b.getAttribute('data-testid'));
};

const resolved = () =>
  view({ status: 'resolved', nature: 'valid', severity: 'important', urgency: 'urgent', category: 'facilities', department: 'engineering', deadlines: { callback: new Date(Date.now() + 26 * 3600_000).toISOString() } });

describe('the complaint detail', () => {
  it('shows the facts, the deadlines with time left, and the timeline of who did what', async () => {
    open(resolved(), HISTORY);
    await screen.findByTestId('timeline');
    expect(within(screen.getByTestId('facts')).getByText('工程部')).toBeTruthy();
    const deadlines = screen.getByTestId('deadlines');
    expect(within(deadlines).getByText('回访')).toBeTruthy();
    expect(within(deadlines).getByText(/^剩余 1天(1小时|2小时)$/)).toBeTruthy();
    const items = within(screen.getByTestId('timeline')).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    expect(items[3].textContent).toContain('处理完成');
    expect(items[3].textContent).toContain('department_head-name · 部门负责人');
    expect(items[3].textContent).toContain('已修复');
  });

  it('marks an overdue deadline', async () => {
    open(view({ status: 'triaged', deadlines: { firstReply: new Date(Date.now() - 2 * 3600_000).toISOString() }, overdue: ['firstReply'] }), HISTORY.slice(0, 2));
    const deadlines = await screen.findByTestId('deadlines');
    expect(within(deadlines).getByText(/^已超时 2小时/)).toBeTruthy();
    expect(deadlines.querySelector('.deadline.overdue')).not.toBeNull();
  });

  it('resolved, as the customer assistant: only callback and exemption', async () => {
    open(resolved(), HISTORY);
    expect(await actionButtons()).toEqual(['action-callback', 'action-exempt']);
  });

  it('resolved, as the department head: nothing to do', async () => {
    open(resolved(), HISTORY, ME.enghead);
    expect(await actionButtons()).toEqual([]);
    expect(screen.getByText('当前状态下您没有可执行的操作。')).toBeTruthy();
  });

  it('in progress, as the department head: reply (second or progress), plan, resolve, escalate', async () => {
    open({ ...resolved(), status: 'in_progress', deadlines: {} }, HISTORY.slice(0, 3), ME.enghead);
    expect(await actionButtons()).toEqual(['action-reply', 'action-plan', 'action-resolve', 'action-escalate']);
    fireEvent.click(screen.getByTestId('action-reply'));
    const kinds = within(screen.getByTestId('form-reply')).getAllByRole('radio').map((r) => (r as HTMLInputElement).value);
    expect(kinds).toEqual(['second', 'progress']);
  });

  it('closed: no action at all', async () => {
    open({ ...resolved(), status: 'closed', deadlines: {}, closedAt: new Date().toISOString(), satisfaction: 2 }, HISTORY, ME.gm);
    await screen.findByText('投诉已关闭。');
    expect(screen.queryByTestId('action-reply')).toBeNull();
  });

  it('a callback needs a score when reached; a 4 is sent as such and the page waits for the change', async () => {
    const v = { ...resolved(), version: HISTORY.length }; // the view's version is its number of events
    open(v, HISTORY);
    const act = vi.spyOn(api, 'act').mockResolvedValue({});
    fireEvent.click(await screen.findByTestId('action-callback'));
    const form = screen.getByTestId('form-callback');
    fireEvent.click(within(form).getByTestId('callback-submit'));
    expect(within(form).getByText('联系上投诉人时请选择满意度（1–5）')).toBeTruthy();
    expect(act).not.toHaveBeenCalled();
    fireEvent.click(within(form).getByTestId('satisfaction-4'));
    expect(within(form).queryByText('联系上投诉人时请选择满意度（1–5）')).toBeNull();
    // The store now holds two more events (the callback, the reopening); the read model
    // first shows only the callback, then both: the page must wait for the second.
    const event = (seq: number, type: string): HistoryEvent => ({ ...HISTORY[HISTORY.length - 1], seq, type });
    vi.mocked(api.history).mockResolvedValue({ events: [...HISTORY, event(v.version + 1, 'CallbackCompleted'), event(v.version + 2, 'ComplaintReopened')] });
    vi.mocked(api.complaint)
      .mockResolvedValueOnce({ ...v, version: v.version + 1 })
      .mockResolvedValue({ ...v, status: 'reopened', version: v.version + 2, reopenCount: 1 });
    fireEvent.click(within(form).getByTestId('callback-submit'));
    await waitFor(() => expect(act).toHaveBeenCalledWith(v.id, 'callbacks', { method: 'phone', reached: true, satisfaction: 4 }));
    await waitFor(() => expect(screen.getByTestId('complaint-detail').getAttribute('data-status')).toBe('reopened'), { timeout: 3_000 });
    expect(screen.getByTestId('action-notice').textContent).toBe('已提交：回访');
  });

  it('a 409 from the API is shown with its message, in the form', async () => {
    open(resolved(), HISTORY);
    vi.spyOn(api, 'act').mockRejectedValue(new ApiError(409, 'Conflict', 'Cannot record a callback: the complaint is closed'));
    fireEvent.click(await screen.findByTestId('action-callback'));
    fireEvent.click(screen.getByTestId('satisfaction-2'));
    fireEvent.click(screen.getByTestId('callback-submit'));
    const alert = await within(screen.getByTestId('form-callback')).findByRole('alert');
    expect(alert.textContent).toContain('当前状态不允许此操作。');
    expect(alert.textContent).toContain('Cannot record a callback: the complaint is closed');
  });

  it('a major complaint’s callback is a visit, offered to the CS centre manager only', async () => {
    open({ ...resolved(), major: true }, HISTORY, ME.csmanager);
    fireEvent.click(await screen.findByTestId('action-callback'));
    expect((screen.getByLabelText(/回访方式/) as HTMLSelectElement).value).toBe('visit');
    expect(screen.getByText('重大投诉须由客服中心经理或总物业经理上门回访。')).toBeTruthy();
  });
});
