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
  vi.spyOn(api, 'complaintNotices').mockResolvedValue({ items: [] });
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
  view({
    status: 'resolved',
    nature: 'valid',
    severity: 'important',
    urgency: 'urgent',
    category: 'facilities',
    department: 'engineering',
    deadlines: { callback: new Date(Date.now() + 26 * 3600_000).toISOString() },
    actions: ['callback', 'exempt'],
  });

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

  it('offers exactly the actions the view lists for this user (the server’s policy), in its order', async () => {
    open(resolved(), HISTORY);
    expect(await actionButtons()).toEqual(['action-callback', 'action-exempt']);
  });

  it('the view lists nothing for this user: nothing to do', async () => {
    open({ ...resolved(), actions: [] }, HISTORY, ME.enghead);
    expect(await actionButtons()).toEqual([]);
    expect(screen.getByText('当前状态下您没有可执行的操作。')).toBeTruthy();
  });

  it('in progress, as the department head: reply (the kinds the view lists), plan, resolve, escalate', async () => {
    open({ ...resolved(), status: 'in_progress', deadlines: {}, actions: ['reply', 'plan', 'resolve', 'escalate'], replyKinds: ['second', 'progress'] }, HISTORY.slice(0, 3), ME.enghead);
    expect(await actionButtons()).toEqual(['action-reply', 'action-plan', 'action-resolve', 'action-escalate']);
    fireEvent.click(screen.getByTestId('action-reply'));
    const kinds = within(screen.getByTestId('form-reply')).getAllByRole('radio').map((r) => (r as HTMLInputElement).value);
    expect(kinds).toEqual(['second', 'progress']);
  });

  it('closed: no action at all', async () => {
    open({ ...resolved(), status: 'closed', deadlines: {}, closedAt: new Date().toISOString(), satisfaction: 2, actions: [] }, HISTORY, ME.gm);
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
    open({ ...resolved(), major: true, actions: ['callback', 'exempt'] }, HISTORY, ME.csmanager);
    fireEvent.click(await screen.findByTestId('action-callback'));
    expect((screen.getByLabelText(/回访方式/) as HTMLSelectElement).value).toBe('visit');
    expect(screen.getByText('重大投诉须由客服中心经理或总物业经理上门回访。')).toBeTruthy();
  });
});

describe('the forms for marking major, compensation, outreach, correction and sealing', () => {
  const inProgress = (overrides: Partial<ComplaintView> = {}) =>
    ({ ...resolved(), status: 'in_progress', deadlines: {}, actions: ['reply', 'resolve', 'markMajor', 'compensate', 'outreach', 'correct'], replyKinds: ['progress'], ...overrides }) as ComplaintView;

  it('shows a button for each new action the view lists', async () => {
    open(inProgress(), HISTORY.slice(0, 3), ME.csmanager);
    expect(await actionButtons()).toEqual(['action-reply', 'action-resolve', 'action-markMajor', 'action-compensate', 'action-outreach', 'action-correct']);
    expect(screen.getByTestId('action-compensate').textContent).toBe('审批赔偿');
  });

  it('compensation: an amount above 0 and a reason are needed; it posts them, and a 403 over the limit is shown with the next approver', async () => {
    open(inProgress({ compensationTotal: 800 }), HISTORY.slice(0, 3), ME.csmanager);
    const act = vi.spyOn(api, 'act').mockRejectedValue(new ApiError(403, 'Forbidden', '500 CNY (with the 800 already approved on this complaint: 1300) exceeds the cs_manager limit of 1000; it goes to the general_manager for approval'));
    fireEvent.click(await screen.findByTestId('action-compensate'));
    const form = screen.getByTestId('form-compensate');
    expect(within(form).getByTestId('compensation-total').textContent).toBe('本投诉已批准赔偿：800 元');
    fireEvent.change(within(form).getByLabelText(/赔偿金额/), { target: { value: '0' } });
    fireEvent.click(within(form).getByTestId('compensate-submit'));
    expect(within(form).getByText('请输入大于0的金额')).toBeTruthy();
    expect(within(form).getByText('此项必填')).toBeTruthy();
    expect(act).not.toHaveBeenCalled();
    fireEvent.change(within(form).getByLabelText(/赔偿金额/), { target: { value: '500' } });
    fireEvent.change(within(form).getByLabelText(/赔偿事由/), { target: { value: ' 家具损坏 ' } });
    fireEvent.click(within(form).getByTestId('compensate-submit'));
    await waitFor(() => expect(act).toHaveBeenCalledWith(expect.any(String), 'compensations', { amount: 500, reason: '家具损坏' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('general_manager');
  });

  it('outreach: kind and note are needed; it posts them to outreach', async () => {
    open(inProgress(), HISTORY.slice(0, 3), ME.assistant);
    const act = vi.spyOn(api, 'act').mockResolvedValue({});
    fireEvent.click(await screen.findByTestId('action-outreach'));
    const form = screen.getByTestId('form-outreach');
    fireEvent.click(within(form).getByTestId('outreach-submit'));
    expect(within(form).getAllByText('此项必填')).toHaveLength(2);
    fireEvent.change(within(form).getByLabelText(/方式/), { target: { value: 'residents_meeting' } });
    fireEvent.change(within(form).getByLabelText(/记录/), { target: { value: '与5号楼业主座谈' } });
    fireEvent.click(within(form).getByTestId('outreach-submit'));
    await waitFor(() => expect(act).toHaveBeenCalledWith(expect.any(String), 'outreach', { kind: 'residents_meeting', note: '与5号楼业主座谈' }));
  });

  it('mark major: offers only reasons not yet recorded, needs one, and posts the chosen ones', async () => {
    open(inProgress({ major: true, majorReasons: ['collective'] }), HISTORY.slice(0, 3), ME.csmanager);
    const act = vi.spyOn(api, 'act').mockResolvedValue({});
    fireEvent.click(await screen.findByTestId('action-markMajor'));
    const form = screen.getByTestId('form-markMajor');
    expect(within(form).queryByTestId('major-reason-collective')).toBeNull();
    fireEvent.click(within(form).getByTestId('markMajor-submit'));
    expect(within(form).getByText('此项必填')).toBeTruthy();
    fireEvent.click(within(form).getByTestId('major-reason-litigation'));
    fireEvent.change(within(form).getByLabelText(/说明/), { target: { value: '业主已委托律师' } });
    fireEvent.click(within(form).getByTestId('markMajor-submit'));
    await waitFor(() => expect(act).toHaveBeenCalledWith(expect.any(String), 'major', { reasons: ['litigation'], note: '业主已委托律师' }));
  });

  it('correction: the value is sent in the field’s own type (a number for households, a boolean for anonymity), with the reason', async () => {
    open(inProgress(), HISTORY.slice(0, 3), ME.assistant);
    const act = vi.spyOn(api, 'act').mockResolvedValue({});
    fireEvent.click(await screen.findByTestId('action-correct'));
    const form = screen.getByTestId('form-correct');
    fireEvent.change(within(form).getByLabelText(/更正项/), { target: { value: 'householdCount' } });
    fireEvent.change(within(form).getByLabelText(/正确内容/), { target: { value: '0' } });
    fireEvent.click(within(form).getByTestId('correct-submit'));
    expect(within(form).getByText('请输入大于等于1的整数')).toBeTruthy();
    expect(act).not.toHaveBeenCalled();
    fireEvent.change(within(form).getByLabelText(/正确内容/), { target: { value: '12' } });
    fireEvent.change(within(form).getByLabelText(/更正原因/), { target: { value: '实际涉及12户' } });
    fireEvent.click(within(form).getByTestId('correct-submit'));
    await waitFor(() => expect(act).toHaveBeenCalledWith(expect.any(String), 'corrections', { field: 'householdCount', value: 12, reason: '实际涉及12户' }));
  });

  it('correction of anonymity sends true or false; a 422 naming the value is shown beside it', async () => {
    open(inProgress(), HISTORY.slice(0, 3), ME.assistant);
    const act = vi.spyOn(api, 'act').mockRejectedValue(new ApiError(422, 'Unprocessable Entity', 'value: equals the recorded value', [{ field: 'value', problem: 'equals the recorded value; nothing to correct' }]));
    fireEvent.click(await screen.findByTestId('action-correct'));
    const form = screen.getByTestId('form-correct');
    fireEvent.change(within(form).getByLabelText(/更正项/), { target: { value: 'complainant.anonymous' } });
    fireEvent.change(within(form).getByLabelText(/更正原因/), { target: { value: '登记错误' } });
    fireEvent.click(within(form).getByTestId('correct-submit'));
    await waitFor(() => expect(act).toHaveBeenCalledWith(expect.any(String), 'corrections', { field: 'complainant.anonymous', value: false, reason: '登记错误' }));
    expect(await within(form).findByText('equals the recorded value; nothing to correct')).toBeTruthy();
  });

  it('year-end sealing of a closed complaint posts to archive, with the year only when given', async () => {
    open({ ...resolved(), status: 'closed', deadlines: {}, closedAt: new Date().toISOString(), actions: ['outreach', 'correct', 'archive'] }, HISTORY, ME.csmanager);
    const act = vi.spyOn(api, 'act').mockResolvedValue({});
    fireEvent.click(await screen.findByTestId('action-archive'));
    const form = screen.getByTestId('form-archive');
    fireEvent.change(within(form).getByLabelText(/封存年度/), { target: { value: '26' } });
    fireEvent.click(within(form).getByTestId('archive-submit'));
    expect(within(form).getByText('请输入四位年份')).toBeTruthy();
    fireEvent.change(within(form).getByLabelText(/封存年度/), { target: { value: '' } });
    fireEvent.click(within(form).getByTestId('archive-submit'));
    await waitFor(() => expect(act).toHaveBeenCalledWith(expect.any(String), 'archive', {}));
  });

  it('in English, the new actions and their fields have English labels', async () => {
    vi.spyOn(api, 'complaint').mockResolvedValue(inProgress());
    vi.spyOn(api, 'history').mockResolvedValue({ events: HISTORY.slice(0, 3) });
    renderWith(<ComplaintPage id="x" />, { me: ME.csmanager, path: '/complaints/x', lang: 'en' });
    fireEvent.click(await screen.findByTestId('action-compensate'));
    expect(screen.getByTestId('action-markMajor').textContent).toBe('Mark major');
    expect(screen.getByLabelText(/Amount \(CNY\)/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('action-correct'));
    expect(within(screen.getByTestId('form-correct')).getByRole('option', { name: 'Households' })).toBeTruthy();
  });
});
