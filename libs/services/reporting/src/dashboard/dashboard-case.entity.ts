import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per complaint for the department dashboard (written by departmentDashboardProjection). */
@Entity({ schema: 'reporting', name: 'dashboard_case' })
export class DashboardCaseEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'site_id' }) siteId!: string;
  @Column('text', { nullable: true }) department!: string | null;
  @Column('text', { nullable: true }) category!: string | null;
  @Column('text') status!: string;
  @Column('text') number!: string;
  @Column('text') title!: string;
  @Column('text', { nullable: true }) urgency!: string | null;
  @Column('boolean') major!: boolean;
  @Column('integer', { name: 'escalation_level' }) escalationLevel!: number;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('timestamptz', { name: 'due_first_reply', nullable: true }) dueFirstReply!: Date | null;
  @Column('timestamptz', { name: 'due_second_reply', nullable: true }) dueSecondReply!: Date | null;
  @Column('timestamptz', { name: 'due_plan', nullable: true }) duePlan!: Date | null;
  @Column('timestamptz', { name: 'due_resolve', nullable: true }) dueResolve!: Date | null;
  @Column('timestamptz', { name: 'due_follow_up', nullable: true }) dueFollowUp!: Date | null;
  @Column('timestamptz', { name: 'due_callback', nullable: true }) dueCallback!: Date | null;
  @Column('integer') version!: number;
  @Column('json') state!: Record<string, unknown>;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
