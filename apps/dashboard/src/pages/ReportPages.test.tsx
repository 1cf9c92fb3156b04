import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api/client';
import type { DepartmentDashboard, MonthlyReport } from '../api/types';
import { ME, renderWith } from '../test/render';
import { DashboardPage } from './DashboardPage';
import { MonthlyReportPage } from './MonthlyReportPage';

const dashboard: DepartmentDashboard = {
  siteId: 'site-a',
  department: 'engineering',
  asOf: '2026-11-23T08:00:00.000Z',
  timeZone: 'Asia/Shanghai',
  open: 4,
  dueToday: { total: 2, firstReply: 1, secondReply: 0, plan: 1, resolve: 0, followUp: 0, callback: 0 },
  overdue: { total: 1, firstReply: 1, secondReply: 0, plan: 0, resolve: 0, followUp: 0, callback: 0 },
  byCategory: { facilities: 3, repairs: 1 },
  byStatus: { registered: 0, triaged: 2, in_progress: 2, resolved: 1, closed: 5, reopened: 0 },
  oldestOpen: [{ id: 'c1', number: 'SITEA-261101-001', title: '水管爆裂', status: 'in_progress', category: 'repairs', receivedAt: '2026-11-01T02:00:00.000Z', ageDays: 22 }],
  callbackBacklog: { total: 1, overdue: 0, dueToday: 1, oldest: [] },
};

const stage = (onTime: number, late: number, label: string) => ({ measured: onTime + late, onTime, late, notYetDue: 0, rate: onTime + late ? onTime / (onTime + late) : null, label });
const report: MonthlyReport = {
  scope: { level: 'site', id: 'site-a', name: '阳光花园', sites: ['site-a'] },
  month: '2026-11',
  asOf: '2026-11-23T08:00:00.000Z',
  generatedAt: '2026-11-23T08:00:00.000Z',
  totals: { received: 12, closed: 8, openAtMonthEnd: 4 },
  byCategory: [{ key: 'facilities', label: '设施设备', count: 7 }],
  byNature: [{ key: 'valid', label: '有效投诉', count: 10 }],
  byChannel: [{ key: 'phone', label: '来电', count: 9 }],
  byDepartment: [{ key: 'engineering', label: '工程部', count: 8 }],
  onTime: { firstReply: stage(9, 1, '一次答复'), secondReply: stage(0, 0, '二次答复'), plan: stage(2, 0, '整改措施'), resolve: stage(6, 2, '处理完成'), callback: stage(5, 0, '回访') },
  callback: { resolved: 8, exempt: 1, callable: 7, done: 6, pending: 1, rate: 0.8571, target: 1, meetsTarget: false },
  satisfaction: { responses: 6, distribution: { '1': 2, '2': 2, '3': 1, '4': 1, '5': 0 }, satisfied: 5, satisfiedRate: 0.8333, average: 2.17 },
  major: { count: 1, items: [{ id: 'm1', number: 'SITEA-261105-002', title: '媒体曝光', siteId: 'site-a' }] },
  repeat: { count: 0, items: [] },
  reopened: { count: 1, events: 1, items: [] },
  topIssues: { categories: [{ key: 'facilities', label: '设施设备', count: 7, share: 0.5833 }], keywords: [{ keyword: '电梯', complaints: 4 }] },
  callbackQuotas: [{ siteId: 'site-a', actorId: 'u-csm', name: '客服经理', role: 'cs_manager', callbacks: 2, required: 3, missing: 1, met: false }],
};

describe('the department dashboard', () => {
  it('opens on the department head’s own department, with tiles, charts and the oldest open complaints', async () => {
    const load = vi.spyOn(api, 'departmentDashboard').mockResolvedValue(dashboard);
    renderWith(<DashboardPage />, { me: ME.enghead });
    expect((await screen.findByTestId('tile-open')).textContent).toBe('4');
    expect(load).toHaveBeenCalledWith({ siteId: 'site-a', department: 'engineering' }, expect.anything());
    expect(screen.getAllByTestId('chart').map((c) => c.getAttribute('aria-label'))).toEqual(['未结投诉按类别', '按状态', '超时与今日到期（按环节）']);
    expect(screen.getByText('SITEA-261101-001')).toBeTruthy();
    fireEvent.change(screen.getByTestId('dashboard-department'), { target: { value: '' } });
    await waitFor(() => expect(load).toHaveBeenLastCalledWith({ siteId: 'site-a', department: undefined }, expect.anything()));
  });

  it('says so when the endpoint answers with an error', async () => {
    vi.spyOn(api, 'departmentDashboard').mockRejectedValue(new ApiError(404, 'Not Found', 'Cannot GET /api/dashboards/department'));
    renderWith(<DashboardPage />, { me: ME.csmanager });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('找不到该记录。');
    expect(alert.textContent).toContain('Cannot GET /api/dashboards/department');
  });
});

describe('the monthly report', () => {
  it('shows the figures, the charts per dimension, on-time rates, quotas, and exports', async () => {
    vi.spyOn(api, 'monthlyReport').mockResolvedValue(report);
    const download = vi.spyOn(api, 'download').mockResolvedValue('monthly-report-site-a-2026-11.xlsx');
    renderWith(<MonthlyReportPage />, { me: ME.csmanager });
    expect((await screen.findByTestId('tile-received')).textContent).toBe('12');
    expect(screen.getByText('85.7%')).toBeTruthy(); // callback rate
    expect(screen.getAllByTestId('chart').map((c) => c.getAttribute('aria-label'))).toEqual(['按类别', '按责任部门', '按性质', '按投诉方式', '各环节及时率', '回访率', '满意度分布']);
    expect(screen.getByText('准时 9 · 超时 1 · 未到期 0')).toBeTruthy();
    expect(screen.getByText('电梯 × 4')).toBeTruthy();
    expect(within(screen.getByText('客服经理').closest('tr') as HTMLElement).getByText('✘ −1')).toBeTruthy();
    fireEvent.click(screen.getByTestId('export-xlsx'));
    await screen.findByText('已下载 monthly-report-site-a-2026-11.xlsx');
    expect(download).toHaveBeenCalledWith('/reports/monthly', expect.objectContaining({ siteId: 'site-a', format: 'xlsx', lang: 'zh-CN' }), expect.any(String));
  });

  it('a group-wide user may report on the whole group', async () => {
    const load = vi.spyOn(api, 'monthlyReport').mockResolvedValue({ ...report, scope: { level: 'group', id: 'group', name: null, sites: ['site-a', 'site-b'] }, sites: [report] });
    renderWith(<MonthlyReportPage />, { me: ME.auditor });
    await screen.findByTestId('tile-received');
    expect(load.mock.calls[0][0]).toMatchObject({ siteId: undefined });
    expect(screen.getByText('各项目')).toBeTruthy();
  });
});
