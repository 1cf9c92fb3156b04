/**
 * Who acts. Every event names its actor because the paper procedure demands that every
 * person who acts signs the record (签字) — docs/process.md §2 "Records are never altered".
 */

/** Roles of docs/process.md §1, plus `system` for the deadline scheduler and other automation. */
export type Role =
  | 'duty_officer' // 值班员 (客服调度中心/监控中心)
  | 'cs_assistant' // 客户助理
  | 'cs_supervisor' // 客户主任
  | 'cs_manager' // 客服中心经理
  | 'general_manager' // 总物业经理
  | 'leadership' // 公司领导
  | 'department_head' // 部门负责人
  | 'handler' // 处理人
  | 'auditor' // 稽核 (read-only)
  | 'admin'
  | 'system';

export const ROLES: readonly Role[] = [
  'duty_officer',
  'cs_assistant',
  'cs_supervisor',
  'cs_manager',
  'general_manager',
  'leadership',
  'department_head',
  'handler',
  'auditor',
  'admin',
  'system',
];

export type Actor = { id: string; role: Role; name?: string };

/** The actor the deadline scheduler signs with. */
export const SYSTEM_ACTOR: Actor = { id: 'system:deadline-scheduler', role: 'system', name: 'Deadline scheduler' };
