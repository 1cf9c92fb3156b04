import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { ComplaintView, Me } from '../api/types';
import { I18nProvider, type Lang } from '../i18n/i18n';
import { RouterProvider } from '../router';
import { SessionProvider } from '../session';

export const ME: Record<string, Me> = {
  duty: { id: 'u-duty', username: 'duty.a', name: '值班员甲', role: 'duty_officer', siteIds: ['site-a'], departments: [] },
  assistant: { id: 'u-assistant', username: 'assistant.a', name: '客户助理甲', role: 'cs_assistant', siteIds: ['site-a'], departments: [] },
  enghead: { id: 'u-enghead', username: 'enghead.a', name: '工程部负责人', role: 'department_head', siteIds: ['site-a'], departments: ['engineering'] },
  handler: { id: 'u-handler', username: 'handler.a', name: '维修员', role: 'handler', siteIds: ['site-a'], departments: ['engineering'] },
  csmanager: { id: 'u-csm', username: 'csmanager.a', name: '客服经理', role: 'cs_manager', siteIds: ['site-a'], departments: [] },
  gm: { id: 'u-gm', username: 'gm.a', name: '总经理', role: 'general_manager', siteIds: ['site-a'], departments: [] },
  auditor: { id: 'u-auditor', username: 'auditor', name: '集团稽核', role: 'auditor', siteIds: ['*'], departments: [] },
};

export const renderWith = (ui: ReactNode, { me = ME.duty, lang = 'zh', path = '/' }: { me?: Me; lang?: Lang; path?: string } = {}) => {
  window.history.replaceState(null, '', path);
  return render(
    <I18nProvider lang={lang}>
      <RouterProvider initialPath={path}>
        <SessionProvider initial={me}>{ui}</SessionProvider>
      </RouterProvider>
    </I18nProvider>,
  );
};

let seq = 0;
export const view = (overrides: Partial<ComplaintView> = {}): ComplaintView => {
  seq++;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    number: `SITEA-261123-${String(seq).padStart(3, '0')}`,
    siteId: 'site-a',
    channel: 'phone',
    status: 'registered',
    nature: null,
    severity: null,
    urgency: null,
    major: false,
    majorReasons: [],
    category: null,
    department: null,
    assignee: null,
    complainant: { name: '张女士', phone: '13800138000', building: '3', unit: '1201', anonymous: false },
    title: '电梯困人',
    description: '3号楼电梯停在8楼与9楼之间',
    receivedAt: '2026-11-23T08:00:00.000Z',
    deadlines: { firstReply: new Date(Date.now() + 3 * 3600_000).toISOString() },
    overdue: [],
    escalationLevel: 0,
    reopenCount: 0,
    satisfaction: null,
    closedAt: null,
    archived: false,
    version: 1,
    ...overrides,
  };
};

export const page = <T,>(items: T[]) => ({ items, total: items.length, page: 1, pageSize: 100 });
