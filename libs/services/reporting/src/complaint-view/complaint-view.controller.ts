import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import type { Complaint } from '@complaints/domain';
import { CLOCK, CurrentUser, notFound, type ActingUser, type Clock } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { ComplaintViewEntity } from './complaint-view.entity';
import { presentComplaint, type ComplaintView } from './complaint-view.presenter';
import { ListComplaintsQueryDto } from './list-complaints.query.dto';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The complaint view and list (API.md "Complaints", reporting rows). Eventually consistent. */
@ApiTags('complaints (read)')
@Controller('complaints')
export class ComplaintViewController {
  constructor(
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOkResponse({ description: '{ items: [view], total, page, pageSize }' })
  async list(@Query() query: ListComplaintsQueryDto, @CurrentUser() user: ActingUser): Promise<{ items: ComplaintView[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const now = this.clock.now();
    const qb = this.dataSource.getRepository(ComplaintViewEntity).createQueryBuilder('c');
    if (query.siteId) qb.andWhere('c.site_id = :siteId', { siteId: query.siteId });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.department) qb.andWhere('c.department = :department', { department: query.department });
    if (query.nature) qb.andWhere('c.nature = :nature', { nature: query.nature });
    if (query.major !== undefined) qb.andWhere('c.major = :major', { major: query.major });
    if (query.from) qb.andWhere('c.received_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('c.received_at < :to', { to: new Date(query.to) });
    if (query.q) qb.andWhere(`(c.title || ' ' || c.description) ILIKE :q`, { q: `%${escapeLike(query.q)}%` });
    if (query.overdue !== undefined) {
      qb.andWhere(`${query.overdue ? '' : 'NOT '}EXISTS (SELECT 1 FROM jsonb_each_text(c.deadlines) d WHERE d.value::timestamptz < :now)`, { now });
    }
    const [rows, total] = await qb
      .orderBy('c.received_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map((r) => presentComplaint(r.state as unknown as Complaint, user.role, now)), total, page, pageSize };
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The complaint view' })
  async view(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: ActingUser): Promise<ComplaintView> {
    const row = await this.dataSource.getRepository(ComplaintViewEntity).findOne({ where: { id } });
    if (!row) throw notFound(`Complaint ${id} not found`);
    return presentComplaint(row.state as unknown as Complaint, user.role, this.clock.now());
  }
}
