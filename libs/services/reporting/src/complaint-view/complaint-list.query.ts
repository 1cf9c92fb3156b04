import type { DataSource } from 'typeorm';
import type { Complaint } from '@complaints/domain';
import { ComplaintViewEntity } from './complaint-view.entity';
import { presentComplaints, storedAsIs, type ComplaintView, type OpenComplainants, type ViewCaller } from './complaint-view.presenter';
import type { ListComplaintsQueryDto } from './list-complaints.query.dto';
import type { ListScope } from '../access/reporting-access';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export type ComplaintPage = { items: ComplaintView[]; total: number; page: number; pageSize: number };

/**
 * The complaint list of docs/api.md (`GET /api/complaints`): filters, newest first, pages.
 * `q` is a substring match over title and description with ILIKE on the same expression the
 * trigram (pg_trgm) index covers, so Chinese text is found anywhere in a word; queries of
 * three or more characters use the index, shorter ones are checked row by row.
 */
export const queryComplaintList = async (
  dataSource: DataSource,
  query: ListComplaintsQueryDto,
  role: string,
  now: Date,
  scope: ListScope = { siteIds: null, departments: null },
  open: OpenComplainants = storedAsIs,
  caller?: ViewCaller,
): Promise<ComplaintPage> => {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const qb = dataSource.getRepository(ComplaintViewEntity).createQueryBuilder('c');
  if (scope.siteIds) qb.andWhere('c.site_id = ANY(:scopeSites)', { scopeSites: scope.siteIds });
  if (scope.departments) qb.andWhere('c.department = ANY(:scopeDepartments)', { scopeDepartments: scope.departments });
  if (query.siteId) qb.andWhere('c.site_id = :siteId', { siteId: query.siteId });
  if (query.status) qb.andWhere('c.status = :status', { status: query.status });
  if (query.department) qb.andWhere('c.department = :department', { department: query.department });
  if (query.category) qb.andWhere('c.category = :category', { category: query.category });
  if (query.channel) qb.andWhere('c.channel = :channel', { channel: query.channel });
  if (query.nature) qb.andWhere('c.nature = :nature', { nature: query.nature });
  if (query.major !== undefined) qb.andWhere('c.major = :major', { major: query.major });
  if (query.from) qb.andWhere('c.received_at >= :from', { from: new Date(query.from) });
  if (query.to) qb.andWhere('c.received_at < :to', { to: new Date(query.to) });
  if (query.q) qb.andWhere(`(c.title || ' ' || c.description) ILIKE :q`, { q: `%${escapeLike(query.q)}%` });
  // Some deadline has passed ⇔ the earliest one has (an indexed expression, migration 1765100000000).
  if (query.overdue === true) qb.andWhere(`reporting.earliest_deadline(c.deadlines) <= :now`, { now });
  if (query.overdue === false) qb.andWhere(`(reporting.earliest_deadline(c.deadlines) > :now OR reporting.earliest_deadline(c.deadlines) IS NULL)`, { now });
  // The page and the total side by side (two connections), the total as a plain count(*):
  // TypeORM's getManyAndCount counts DISTINCT ids, a sort of every matching row (a million
  // for a user of the whole group) where an index-only count will do.
  const [rows, counted] = await Promise.all([
    qb
      .clone()
      .select(['c.id', 'c.state']) // the view is made from the state alone: the other columns are for filtering
      .orderBy('c.received_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getMany(),
    qb.clone().select('count(*)::int', 'total').getRawOne<{ total: number }>(),
  ]);
  const total = counted?.total ?? 0;
  const items = await presentComplaints(
    rows.map((r) => r.state as unknown as Complaint),
    role,
    now,
    open,
    caller,
  );
  return { items, total, page, pageSize };
};
