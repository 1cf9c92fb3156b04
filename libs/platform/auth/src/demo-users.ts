import type { AuthUser } from './auth-user';

/**
 * Demo users created on first start of the embedded default (and wherever
 * SEED_DEMO_USERS=true): one per role of docs/process.md on each of two demo sites, plus a
 * group-level leader, an auditor and an administrator. Password for all: demo1234.
 */
export const DEMO_PASSWORD = 'demo1234';
export const DEMO_SITES = [
  { id: 'site-a', name: '阳光花园' },
  { id: 'site-b', name: '翠湖苑' },
] as const;

const perSite = (site: 'a' | 'b'): Omit<AuthUser, 'id'>[] => {
  const siteIds = [`site-${site}`];
  const label = site === 'a' ? '阳光花园' : '翠湖苑';
  return [
    { username: `duty.${site}`, name: `${label}值班员`, role: 'duty_officer', siteIds, departments: [] },
    { username: `assistant.${site}`, name: `${label}客户助理`, role: 'cs_assistant', siteIds, departments: [] },
    { username: `supervisor.${site}`, name: `${label}客户主任`, role: 'cs_supervisor', siteIds, departments: [] },
    { username: `csmanager.${site}`, name: `${label}客服中心经理`, role: 'cs_manager', siteIds, departments: [] },
    { username: `gm.${site}`, name: `${label}总物业经理`, role: 'general_manager', siteIds, departments: [] },
    { username: `enghead.${site}`, name: `${label}工程部负责人`, role: 'department_head', siteIds, departments: ['engineering'] },
    { username: `handler.${site}`, name: `${label}工程部维修员`, role: 'handler', siteIds, departments: ['engineering'] },
  ];
};

export const DEMO_USERS: Omit<AuthUser, 'id'>[] = [
  ...perSite('a'),
  ...perSite('b'),
  { username: 'leader', name: '集团公司领导', role: 'leadership', siteIds: ['*'], departments: [] },
  { username: 'auditor', name: '集团稽核', role: 'auditor', siteIds: ['*'], departments: [] },
  { username: 'admin', name: '系统管理员', role: 'admin', siteIds: ['*'], departments: [] },
];
