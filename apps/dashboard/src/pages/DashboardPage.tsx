import { useMemo, useState } from 'react';
import { api } from '../api/client';
import type { DashboardCase } from '../api/types';
import { barOption, Chart, pieOption } from '../components/Chart';
import { Card, DateTime, ErrorBanner, Notice, Spinner, StatusBadge, useLoad } from '../components/ui';
import { formatDateTime, useI18n } from '../i18n/i18n';
import { DEPARTMENTS, STATUSES } from '../i18n/labels';
import { Link } from '../router';
import { useMe, useSession } from '../session';
import { useLiveTick } from '../live';

const STAGES = ['firstReply', 'secondReply', 'plan', 'resolve', 'followUp', 'callback'] as const;

const CaseTable = ({ cases, showResolved }: { cases: (DashboardCase & { resolvedAt?: string | null })[]; showResolved?: boolean }) => {
  const { t, l } = useI18n();
  if (cases.length === 0) return <p className="empty">{t('common.none')}</p>;
  return (
    <ul className="case-rows">
      {cases.map((c) => (
        <li key={c.id}>
          <Link to={`/complaints/${c.id}`} className="case-row">
            <span className="case-row-main">
              <span className="case-row-top">
                <span className="number">{c.number}</span> <StatusBadge status={c.status} />
              </span>
              <span className="case-row-title">{c.title}</span>
              <span className="muted small">
                {l('category', c.category ?? 'untriaged')} · {showResolved && c.resolvedAt ? <DateTime iso={c.resolvedAt} /> : <DateTime iso={c.receivedAt} />}
              </span>
            </span>
            <span className={`case-row-age ${c.ageDays >= 3 ? 'age-old' : ''}`}>{t('dashboard.ageDays', { n: c.ageDays })}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
};

/** GET /api/dashboards/department: what a department has open, due today and overdue, and its callback backlog. */
export const DashboardPage = () => {
  const { t, l, site } = useI18n();
  const me = useMe();
  const { siteId, sites } = useSession();
  const [department, setDepartment] = useState<string>(me.departments[0] ?? '');
  const [pickedSite, setPickedSite] = useState('');
  const effectiveSite = siteId || pickedSite || sites[0] || '';
  const live = useLiveTick((c) => c.siteId === effectiveSite);
  const { data, error, loading, reload } = useLoad(
    (signal) => (effectiveSite ? api.departmentDashboard({ siteId: effectiveSite, department: department || undefined }, signal) : Promise.resolve(undefined)),
    [effectiveSite, department, live],
  );

  const options = useMemo(() => {
    if (!data) return null;
    const byCategory = Object.entries(data.byCategory)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => ({ name: l('category', k), value: n }));
    const byStatus = STATUSES.map((s) => ({ name: l('status', s), value: data.byStatus[s] ?? 0 }));
    const stages = STAGES.map((s) => ({ stage: l('deadline', s), overdue: data.overdue[s] ?? 0, today: data.dueToday[s] ?? 0 }));
    return {
      byCategory: barOption(byCategory, { horizontal: true }),
      byCategoryEmpty: byCategory.length === 0,
      byStatus: pieOption(byStatus),
      byStatusEmpty: byStatus.every((s) => s.value === 0),
      stagesEmpty: stages.every((s) => s.overdue === 0 && s.today === 0),
      stages: {
        color: ['#dc2626', '#f59e0b'],
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: stages.map((s) => s.stage), axisTick: { show: false } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: t('dashboard.overdue'), type: 'bar', data: stages.map((s) => s.overdue), barMaxWidth: 28, label: { show: true, position: 'top' } },
          { name: t('dashboard.dueToday'), type: 'bar', data: stages.map((s) => s.today), barMaxWidth: 28, label: { show: true, position: 'top' } },
        ],
      },
    };
  }, [data, l, t]);

  return (
    <div className="page" data-testid="dashboard-page">
      <div className="page-head">
        <div>
          <h1>{t('dashboard.title')}</h1>
          {data && <p className="muted">{t('dashboard.asOf', { time: formatDateTime(data.asOf) })}</p>}
        </div>
        <div className="head-actions">
          {!siteId && sites.length > 1 && (
            <label className="inline-field">
              <span>{t('site.label')}</span>
              <select value={effectiveSite} onChange={(e) => setPickedSite(e.target.value)}>
                {sites.map((s) => (
                  <option key={s} value={s}>
                    {site(s)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="inline-field">
            <span>{t('dashboard.department')}</span>
            <select value={department} onChange={(e) => setDepartment(e.target.value)} data-testid="dashboard-department">
              <option value="">{t('dashboard.allDepartments')}</option>
              {DEPARTMENTS.map((d) => (
                <option key={d} value={d}>
                  {l('department', d)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn" onClick={reload}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      {!effectiveSite && <Notice>{t('dashboard.chooseSite')}</Notice>}
      {loading && !data && <Spinner />}
      <ErrorBanner error={error} onRetry={reload} />
      {data && options && (
        <>
          <div className="tiles">
            <div className="tile">
              <div className="tile-label">{t('dashboard.open')}</div>
              <div className="tile-value" data-testid="tile-open">
                {data.open}
              </div>
            </div>
            <div className="tile tile-warn">
              <div className="tile-label">{t('dashboard.dueToday')}</div>
              <div className="tile-value">{data.dueToday.total}</div>
            </div>
            <div className="tile tile-bad">
              <div className="tile-label">{t('dashboard.overdue')}</div>
              <div className="tile-value">{data.overdue.total}</div>
            </div>
            <div className="tile">
              <div className="tile-label">{t('dashboard.callbackBacklog')}</div>
              <div className="tile-value">{data.callbackBacklog.total}</div>
              <div className="tile-sub">{t('dashboard.callbackOverdue', { n: data.callbackBacklog.overdue })}</div>
            </div>
          </div>
          <div className="chart-grid">
            <Card title={t('dashboard.byCategory')}>
              <Chart option={options.byCategory} label={t('dashboard.byCategory')} empty={options.byCategoryEmpty} />
            </Card>
            <Card title={t('dashboard.byStatus')}>
              <Chart option={options.byStatus} label={t('dashboard.byStatus')} empty={options.byStatusEmpty} />
            </Card>
            <Card title={t('dashboard.overdueByStage')} className="span-2">
              <Chart option={options.stages} label={t('dashboard.overdueByStage')} empty={options.stagesEmpty} height={240} />
            </Card>
          </div>
          <div className="chart-grid">
            <Card title={t('dashboard.oldestOpen')}>
              <CaseTable cases={data.oldestOpen} />
            </Card>
            <Card title={t('dashboard.oldestBacklog')}>
              <CaseTable cases={data.callbackBacklog.oldest} showResolved />
            </Card>
          </div>
        </>
      )}
    </div>
  );
};

export default DashboardPage;
