import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { desk, type Disclosure, type WeeklyCheck, type WeeklyCheckSummary } from '../api/desk';
import { ME, renderWith } from '../test/render';
import { CaseLibraryPage } from './CaseLibraryPage';
import { DisclosurePage } from './DisclosurePage';
import { WeeklyCheckPage } from './WeeklyCheckPage';

const SUPERVISOR = { ...ME.assistant, id: 'u-sup', username: 'supervisor.a', name: '客户主任甲', role: 'cs_supervisor' };

afterEach(() => vi.restoreAllMocks());

const typical = {
  complaintId: '00000000-0000-4000-8000-000000000001',
  siteId: 'site-a',
  number: 'SITEA-261103-001',
  category: 'facilities',
  title: '电梯困人',
  summary: '3号楼电梯停在两层之间',
  cause: '控制板老化',
  lessons: '按期更换关键部件',
  markedAt: '2026-11-10T02:00:00.000Z',
  updatedAt: '2026-11-10T02:00:00.000Z',
};

describe('case library page', () => {
  it('searches by category and keyword and shows the anonymised text (zh-CN)', async () => {
    const search = vi.spyOn(desk, 'searchCases').mockResolvedValue({ items: [typical], total: 1 });
    renderWith(<CaseLibraryPage />, { me: ME.assistant, path: '/case-library' });
    await waitFor(() => expect(screen.getAllByTestId('case-item')).toHaveLength(1));
    expect(screen.getByText('按期更换关键部件')).toBeTruthy();
    expect(screen.queryByTestId('case-mark')).toBeNull(); // an assistant does not mark cases
    fireEvent.change(screen.getByLabelText('类别'), { target: { value: 'facilities' } });
    fireEvent.change(screen.getByLabelText('关键词'), { target: { value: '电梯' } });
    fireEvent.click(screen.getByRole('button', { name: '查询' }));
    await waitFor(() => expect(search).toHaveBeenLastCalledWith({ category: 'facilities', q: '电梯' }, expect.anything()));
  });

  it('a manager marks a case; the field the API refused is named beside its input (English)', async () => {
    vi.spyOn(desk, 'searchCases').mockResolvedValue({ items: [], total: 0 });
    const mark = vi.spyOn(desk, 'markCase').mockRejectedValue(new ApiError(422, 'Unprocessable Entity', 'Invalid input', [{ field: 'summary', problem: "contains the complainant's name" }]));
    renderWith(<CaseLibraryPage />, { me: ME.csmanager, lang: 'en', path: '/case-library?complaintId=abc' });
    await waitFor(() => expect(screen.getByText('No typical case matches.')).toBeTruthy());
    const form = screen.getByTestId('case-mark');
    expect((within(form).getByLabelText(/Complaint id/) as HTMLInputElement).value).toBe('abc');
    fireEvent.change(within(form).getByLabelText(/Summary/), { target: { value: '张女士被困' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add to the library' }));
    await waitFor(() => expect(screen.getByText("contains the complainant's name")).toBeTruthy());
    expect(mark).toHaveBeenCalledWith({ complaintId: 'abc', summary: '张女士被困', cause: '', lessons: '' });
  });
});

const notice = (status: Disclosure['status']): Disclosure => ({
  siteId: 'site-a',
  month: '2026-11',
  items: [{ number: 'SITEA-261103-001', receivedOn: '2026-11-03', category: 'facilities', location: '3号楼电梯', title: '＊＊反映电梯困人', outcome: 'closed', result: '已更换控制板', closedOn: '2026-11-05', reasons: ['category'] }],
  contentHash: 'a'.repeat(64),
  status,
  approval: status === 'published' ? { contentHash: 'a'.repeat(64), approvedAt: '2026-12-01T02:00:00.000Z', approvedBy: '客服经理', approvals: 1 } : null,
});

describe('public notice page', () => {
  it('shows the draft notice and lets the CS manager approve the content reviewed', async () => {
    const get = vi.spyOn(desk, 'disclosure').mockResolvedValueOnce(notice('draft')).mockResolvedValue(notice('published'));
    const approve = vi.spyOn(desk, 'approveDisclosure').mockResolvedValue({});
    renderWith(<DisclosurePage />, { me: ME.csmanager, path: '/disclosure' });
    await waitFor(() => expect(screen.getAllByTestId('disclosure-row')).toHaveLength(1));
    expect(screen.getByTestId('disclosure-status').textContent).toBe('草稿：尚未审批，不得张贴');
    expect(screen.getByText('＊＊反映电梯困人')).toBeTruthy();
    expect((screen.getByRole('button', { name: '打印' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('disclosure-approve'));
    await waitFor(() => expect(screen.getByTestId('disclosure-status').textContent).toBe('已审批，可张贴'));
    expect(approve).toHaveBeenCalledWith('site-a', get.mock.calls[0][1], 'a'.repeat(64));
    expect(screen.queryByTestId('disclosure-approve')).toBeNull();
  });

  it('offers no approval to others, and says when the content changed since approval (English)', async () => {
    vi.spyOn(desk, 'disclosure').mockResolvedValue(notice('changed_since_approval'));
    renderWith(<DisclosurePage />, { me: ME.assistant, lang: 'en', path: '/disclosure' });
    await waitFor(() => expect(screen.getByTestId('disclosure-status').textContent).toBe('Changed since approval: approve again'));
    expect(screen.queryByTestId('disclosure-approve')).toBeNull();
  });
});

const weeks: WeeklyCheckSummary[] = [
  { week: '2026-W49', from: '2026-11-30', to: '2026-12-06', dueAt: '2026-12-07T15:59:59.999Z', status: 'in_progress', findings: 0, issues: 0, chaseLevel: null, completedAt: null },
  { week: '2026-W48', from: '2026-11-23', to: '2026-11-29', dueAt: '2026-11-30T15:59:59.999Z', status: 'overdue', findings: 0, issues: 0, chaseLevel: 0, completedAt: null },
];
const check = (finding: WeeklyCheck['agenda'][number]['finding'] = null): WeeklyCheck => ({
  ...weeks[1],
  siteId: 'site-a',
  agenda: [{ complaintId: '00000000-0000-4000-8000-000000000002', number: 'SITEA-261120-004', title: '楼道灯不亮', status: 'in_progress', reasons: ['open_handling'], finding }],
});

describe('weekly check page', () => {
  it('opens the overdue week, shows its chase, and records the supervisor’s finding; an issue without a note is refused by name', async () => {
    vi.spyOn(desk, 'weeks').mockResolvedValue(weeks);
    vi.spyOn(desk, 'week').mockResolvedValueOnce(check()).mockResolvedValue(check({ outcome: 'issue', note: '超期未处理', at: '2026-12-01T02:00:00.000Z', by: { id: 'u-sup' } }));
    const record = vi
      .spyOn(desk, 'recordFinding')
      .mockRejectedValueOnce(new ApiError(422, 'Unprocessable Entity', 'Invalid input', [{ field: 'note', problem: 'required when the outcome is an issue' }]))
      .mockResolvedValue({});
    renderWith(<WeeklyCheckPage />, { me: SUPERVISOR, path: '/weekly-check' });
    await waitFor(() => expect(screen.getAllByTestId('agenda-row')).toHaveLength(1));
    expect(screen.getByText(/已催办（客户主任）/)).toBeTruthy();
    expect(screen.getByText('已逾期')).toBeTruthy();
    fireEvent.change(screen.getByTestId('finding-outcome-SITEA-261120-004'), { target: { value: 'issue' } });
    fireEvent.click(screen.getByTestId('finding-save-SITEA-261120-004'));
    await waitFor(() => expect(screen.getByText('required when the outcome is an issue')).toBeTruthy());
    fireEvent.change(screen.getByTestId('finding-note-SITEA-261120-004'), { target: { value: '超期未处理' } });
    fireEvent.click(screen.getByTestId('finding-save-SITEA-261120-004'));
    await waitFor(() => expect(within(screen.getByTestId('weekly-agenda')).getByText('有问题：超期未处理')).toBeTruthy());
    expect(record).toHaveBeenLastCalledWith('site-a', '2026-W48', { complaintId: '00000000-0000-4000-8000-000000000002', outcome: 'issue', note: '超期未处理' });
  });

  it('shows the checklist read-only to an assistant (English)', async () => {
    vi.spyOn(desk, 'weeks').mockResolvedValue(weeks);
    vi.spyOn(desk, 'week').mockResolvedValue(check());
    renderWith(<WeeklyCheckPage />, { me: ME.assistant, lang: 'en', path: '/weekly-check' });
    await waitFor(() => expect(screen.getAllByTestId('agenda-row')).toHaveLength(1));
    expect(screen.getByText('Not checked')).toBeTruthy();
    expect(screen.queryByTestId('weekly-complete')).toBeNull();
    expect(screen.queryByTestId('finding-save-SITEA-261120-004')).toBeNull();
  });
});
