import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per complaint for the monthly pack: its current classification (written by monthlyReportProjection). */
@Entity({ schema: 'reporting', name: 'report_complaint' })
export class ReportComplaintEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'site_id' }) siteId!: string;
  @Column('text') number!: string;
  @Column('text') title!: string;
  @Column('text') description!: string;
  @Column('text') channel!: string;
  @Column('text', { nullable: true }) category!: string | null;
  @Column('text', { nullable: true }) nature!: string | null;
  @Column('text', { nullable: true }) department!: string | null;
  @Column('boolean') major!: boolean;
  @Column('boolean') repeat!: boolean;
  @Column('text') status!: string;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('integer', { name: 'reopen_count' }) reopenCount!: number;
  @Column('integer') version!: number;
  @Column('json') state!: Record<string, unknown>;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** A timed step, callback round, callback attempt or milestone of a complaint; `at` places it in a month. */
@Entity({ schema: 'reporting', name: 'report_fact' })
export class ReportFactEntity {
  @PrimaryColumn('uuid', { name: 'complaint_id' }) complaintId!: string;
  @PrimaryColumn('integer') ordinal!: number;
  @Column('text', { name: 'site_id' }) siteId!: string;
  @Column('text') kind!: string;
  @Column('text', { nullable: true }) stage!: string | null;
  @Column('timestamptz') at!: Date;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'due_at', nullable: true }) dueAt!: Date | null;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt!: Date | null;
  @Column('text', { nullable: true }) outcome!: string | null;
  @Column('boolean', { nullable: true }) breached!: boolean | null;
  @Column('text', { name: 'actor_id', nullable: true }) actorId!: string | null;
  @Column('text', { name: 'actor_role', nullable: true }) actorRole!: string | null;
  @Column('text', { name: 'actor_name', nullable: true }) actorName!: string | null;
  @Column('text', { nullable: true }) method!: string | null;
  @Column('boolean', { nullable: true }) reached!: boolean | null;
  @Column('integer', { nullable: true }) satisfaction!: number | null;
}
