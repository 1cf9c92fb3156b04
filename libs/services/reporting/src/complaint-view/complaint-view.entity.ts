import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One row per complaint: the view of docs/api.md `GET /api/complaints/:id`, kept by the projection. */
@Entity({ schema: 'reporting', name: 'complaint_view' })
export class ComplaintViewEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') number!: string;
  @Index() @Column('text', { name: 'site_id' }) siteId!: string;
  @Column('text') channel!: string;
  @Index() @Column('text') status!: string;
  @Column('text', { nullable: true }) nature!: string | null;
  @Column('text', { nullable: true }) severity!: string | null;
  @Column('text', { nullable: true }) urgency!: string | null;
  @Column('boolean', { default: false }) major!: boolean;
  @Column('text', { nullable: true }) category!: string | null;
  @Index() @Column('text', { nullable: true }) department!: string | null;
  @Column('text', { nullable: true }) assignee!: string | null;
  @Column('jsonb') complainant!: Record<string, unknown>;
  @Column('text') title!: string;
  @Column('text') description!: string;
  @Index() @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('jsonb') deadlines!: Record<string, string>;
  @Column('integer', { name: 'escalation_level', default: 0 }) escalationLevel!: number;
  @Column('integer', { name: 'reopen_count', default: 0 }) reopenCount!: number;
  @Column('integer', { nullable: true }) satisfaction!: number | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('text', { name: 'related_complaint_id', nullable: true }) relatedComplaintId!: string | null;
  @Column('integer', { name: 'repeat_count', default: 0 }) repeatCount!: number;
  /** Events folded so far (stream revision + 1): the projection's per-row position. */
  @Column('integer') version!: number;
  /** The domain state the columns are derived from, folded with the domain's `evolve`. */
  @Column('json') state!: Record<string, unknown>;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
