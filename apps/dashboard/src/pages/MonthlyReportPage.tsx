import { useMemo, useState } from 'react';
import { api } from '../api/client';
import type { CaseItem, Labelled, MonthlyReport } from '../api/types';
import { barOption, Chart, gaugeOption, pieOption } from '../components/Chart';
import { Card, ErrorBanner, Notice, Spinner, useLoad } from '../components/ui';
import { formatDateTime, formatPercent, useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { useSession } from '../session';

const thisMonth = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

const STAGE_ORDER = ['firstReply', 'secondReply', 'plan', 'resolve', 'followUp', 'callback'];

const CaseList = ({ items }: { items: CaseItem[] }) => {
  const { t } = useI18n();
  if (items.length === 0) return <p className="empty small">{t('common.none')}</p>;
  return (
    <ul className="case-list">
      {items.map((c) => (
        <li key={c.id}>
          <Link to={`/complaints/${c.id}`} className="number">
            {c.number}
          </Link>{' '}
          {c.title}
        </li>
      ))}
    </ul>
  );
};

/** GET /api/reports/monthly: the monthly statistical pack (月度统计报告) with charts and the three exports. */
export const MonthlyReportPage = () => {
  const { t, l, site, lang } = useI18n();
  const { siteId, sites, groupWide } = useSession();
  const [month, setMonth] = useState(thisMonth);
  const [scope, setScope] = useState<string>(siteId || (groupWide ? '' : (sites[0] ?? '')));
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportResult, setExportResult] = useState<{ ok: boolean; text?: string; error?: unknown } | null>(null);
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const { data, error, loading, reload } = useLoad(
    (signal) => (valid ? api.monthlyReport({ siteId: scope || undefined, month }, signal) : Promise.resolve(undefined)),
    [scope, month, valid],
  );
  // A group-level pack lists every site; a group-wide user picks "whole group".
  const scopes = groupWide ? ['', ...sites] : sites;

  const labelFor = (group: string, item: Labelled) => (item.key === 'untriaged' || l(group, item.key) !== item.key ? l(group, item.key) : item.label);

  const charts = useMemo(() => {
    if (!data) return null;
    const onTime = STAGE_ORDER.filter((s) => data.onTime[s]).map((s) => ({ stage: s, ...data.onTime[s] }));
    return {
      byCategory: barOption(
        data.byCategory.map((c) => ({ name: labelFor('category', c), value: c.count })),
        { horizontal: true },
      ),
      byNature: pieOption(data.byNature.map((c) => ({ name: labelFor('nature', c), value: c.count }))),
      byChannel: pieOption(data.byChannel.map((c) => ({ name: labelFor('channel', c), value: c.count }))),
      byDepartment: barOption(
        data.byDepartment.map((c) => ({ name: labelFor('department', c), value: c.count })),
        { horizontal: true },
      ),
      // Only the steps with something measured: an unmeasured step has no rate, not 0 %.
      onTime: barOption(
        onTime.filter((s) => s.rate !== null).map((s) => ({ name: l('deadline', s.stage), value: Math.round((s.rate as number) * 1000) / 10 })),
        { percent: true, max: 100, color: '#16a34a' },
      ),
      onTimeEmpty: onTime.every((s) => s.rate === null),
      onTimeRows: onTime,
      callback: gaugeOption((data.callback.rate ?? 0) * 100, t('report.callbackRate'), (data.callback.target ?? 1) * 100),
      satisfaction: {
        ...barOption(['1', '2', '3', '4', '5'].map((n) => ({ name: `${n} ${l('satisfaction', n)}`, value: data.satisfaction.distribution?.[n] ?? 0 }))),
        color: ['#16a34a', '#65a30d', '#ca8a04', '#ea580c', '#dc2626'],
      },
    };
    // labelFor is rebuilt every render but reads only `l`: data and the language functions decide the charts.
  }, [data, l, t]);

  const exportAs = async (format: 'csv' | 'xlsx' | 'pdf') => {
    setExporting(format);
    setExportResult(null);
    try {
      const name = await api.download('/reports/monthly', { siteId: scope || undefined, month, format, lang: lang === 'zh' ? 'zh-CN' : 'en' }, `monthly-report-${scope || 'group'}-${month}.${format}`);
      setExportResult({ ok: true, text: t('report.exported', { name }) });
    } catch (e) {
      setExportResult({ ok: false, error: e });
    } finally {
      setExporting(null);
    }
  };

  return (
    <div className="page" data-testid="monthly-page">
      <div className="page-head">
        <div>
          <h1>{t('report.title')}</h1>
          {data && <p className="muted">{t('report.generatedAt', { time: formatDateTime(data.generatedAt) })}</p>}
        </div>
        <div className="head-actions">
          <label className="inline-field">
            <span>{t('report.scope')}</span>
            <select value={scope} onChange={(e) => setScope(e.target.value)} data-testid="report-scope">
              {scopes.map((s) => (
                <option key={s || 'group'} value={s}>
                  {s ? site(s) : t('report.group')}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <span>{t('report.month')}</span>
            <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="report-month" />
          </label>
          <div className="export-buttons" role="group" aria-label={t('report.export')}>
            {(['csv', 'xlsx', 'pdf'] as const).map((f) => (
              <button key={f} type="button" className="btn" disabled={!valid || exporting !== null} onClick={() => void exportAs(f)} data-testid={`export-${f}`}>
                {exporting === f ? t('report.exporting') : `${t('report.export')} ${f === 'xlsx' ? 'Excel' : f.toUpperCase()}`}
              </button>
            ))}
          </div>
        </div>
      </div>
      {exportResult?.ok && <Notice kind="success">{exportResult.text}</Notice>}
      {exportResult && !exportResult.ok && <ErrorBanner error={exportResult.error} />}
      {loading && <Spinner />}
      <ErrorBanner error={error} onRetry={reload} />
      {data && charts && (
        <>
          <div className="tiles">
            <div className="tile">
              <div className="tile-label">{t('report.received')}</div>
              <div className="tile-value" data-testid="tile-received">
                {data.totals.received}
              </div>
            </div>
            <div className="tile">
              <div className="tile-label">{t('report.closed')}</div>
              <div className="tile-value">{data.totals.closed}</div>
            </div>
            <div className="tile tile-warn">
              <div className="tile-label">{t('report.openAtMonthEnd')}</div>
              <div className="tile-value">{data.totals.openAtMonthEnd}</div>
            </div>
            <div className={`tile ${data.callback.meetsTarget ? 'tile-good' : 'tile-warn'}`}>
              <div className="tile-label">{t('report.callbackRate')}</div>
              <div className="tile-value">{formatPercent(data.callback.rate)}</div>
              <div className="tile-sub">
                {t('report.callbackTarget', { rate: formatPercent(data.callback.target) })} · {data.callback.done}/{data.callback.callable}
              </div>
            </div>
            <div className="tile">
              <div className="tile-label">{t('report.satisfactionAvg')}</div>
              <div className="tile-value">{data.satisfaction.average ?? '—'}</div>
              <div className="tile-sub">
                {t('report.satisfiedRate')} {formatPercent(data.satisfaction.satisfiedRate)} · {t('report.responses', { n: data.satisfaction.responses })}
              </div>
            </div>
            <div className="tile tile-bad">
              <div className="tile-label">{t('report.major')}</div>
              <div className="tile-value">{data.major.count}</div>
              <div className="tile-sub">
                {t('report.repeat')} {data.repeat.count} · {t('report.reopened')} {data.reopened.count}
              </div>
            </div>
          </div>
          {data.totals.received === 0 && data.callback.resolved === 0 && <Notice>{t('report.noData')}</Notice>}
          <div className="chart-grid">
            <Card title={t('report.byCategory')}>
              <Chart option={charts.byCategory} label={t('report.byCategory')} empty={data.byCategory.length === 0} />
            </Card>
            <Card title={t('report.byDepartment')}>
              <Chart option={charts.byDepartment} label={t('report.byDepartment')} empty={data.byDepartment.length === 0} />
            </Card>
            <Card title={t('report.byNature')}>
              <Chart option={charts.byNature} label={t('report.byNature')} empty={data.byNature.length === 0} />
            </Card>
            <Card title={t('report.byChannel')}>
              <Chart option={charts.byChannel} label={t('report.byChannel')} empty={data.byChannel.length === 0} />
            </Card>
            <Card title={t('report.onTime')}>
              <Chart option={charts.onTime} label={t('report.onTime')} empty={charts.onTimeEmpty} height={240} />
              <table className="table compact">
                <tbody>
                  {charts.onTimeRows.map((s) => (
                    <tr key={s.stage}>
                      <td>{l('deadline', s.stage)}</td>
                      <td className="num">{formatPercent(s.rate)}</td>
                      <td className="muted small">{t('report.onTime.detail', { onTime: s.onTime, late: s.late, pending: s.notYetDue })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
            <Card title={t('report.callbackRate')}>
              <Chart option={charts.callback} label={t('report.callbackRate')} height={240} />
              <table className="table compact">
                <tbody>
                  <tr>
                    <td>{t('report.callback.resolved')}</td>
                    <td className="num">{data.callback.resolved}</td>
                  </tr>
                  <tr>
                    <td>{t('report.callback.exempt')}</td>
                    <td className="num">{data.callback.exempt}</td>
                  </tr>
                  <tr>
                    <td>{t('report.callback.done')}</td>
                    <td className="num">
                      {data.callback.done} / {data.callback.callable}
                    </td>
                  </tr>
                  <tr>
                    <td>{t('report.callback.pending')}</td>
                    <td className="num">{data.callback.pending}</td>
                  </tr>
                </tbody>
              </table>
            </Card>
            <Card title={t('report.satisfaction')}>
              <Chart option={charts.satisfaction} label={t('report.satisfaction')} empty={data.satisfaction.responses === 0} />
            </Card>
            <Card title={t('report.topIssues')}>
              <h3>{t('report.topCategories')}</h3>
              <table className="table compact">
                <thead>
                  <tr>
                    <th>{t('complaint.category')}</th>
                    <th className="num">{t('report.complaints')}</th>
                    <th className="num">{t('report.share')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.topIssues.categories.map((c) => (
                    <tr key={c.key}>
                      <td>{labelFor('category', c)}</td>
                      <td className="num">{c.count}</td>
                      <td className="num">{formatPercent(c.share)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>{t('report.keywords')}</h3>
              {data.topIssues.keywords.length === 0 ? (
                <p className="empty small">{t('common.none')}</p>
              ) : (
                <div className="chips">
                  {data.topIssues.keywords.map((k) => (
                    <span key={k.keyword} className="chip on">
                      {k.keyword} × {k.complaints}
                    </span>
                  ))}
                </div>
              )}
            </Card>
          </div>
          <div className="chart-grid three">
            <Card title={`${t('report.major')} (${data.major.count})`}>
              <CaseList items={data.major.items} />
            </Card>
            <Card title={`${t('report.repeat')} (${data.repeat.count})`}>
              <CaseList items={data.repeat.items} />
            </Card>
            <Card title={`${t('report.reopened')} (${data.reopened.count})`}>
              <CaseList items={data.reopened.items} />
            </Card>
          </div>
          {data.callbackQuotas.length > 0 && (
            <Card title={t('report.quotas')}>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>{t('report.quota.person')}</th>
                      <th>{t('complaint.site')}</th>
                      <th className="num">{t('report.quota.done')}</th>
                      <th className="num">{t('report.quota.required')}</th>
                      <th>{t('report.quota.met')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.callbackQuotas.map((q) => (
                      <tr key={`${q.siteId}-${q.actorId}-${q.role}`}>
                        <td>
                          {q.name ?? q.actorId} <span className="muted small">{l('role', q.role)}</span>
                        </td>
                        <td>{site(q.siteId)}</td>
                        <td className="num">{q.callbacks}</td>
                        <td className="num">{q.required}</td>
                        <td>{q.met ? '✔' : `✘ −${q.missing}`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          )}
          {data.sites && data.sites.length > 0 && (
            <Card title={t('report.sites')}>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>{t('complaint.site')}</th>
                      <th className="num">{t('report.received')}</th>
                      <th className="num">{t('report.closed')}</th>
                      <th className="num">{t('report.openAtMonthEnd')}</th>
                      <th className="num">{t('report.callbackRate')}</th>
                      <th className="num">{t('report.satisfactionAvg')}</th>
                      <th className="num">{t('report.major')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.sites.map((s: MonthlyReport) => (
                      <tr key={s.scope.id}>
                        <td>{s.scope.name ? `${s.scope.name} (${s.scope.id})` : site(s.scope.id)}</td>
                        <td className="num">{s.totals.received}</td>
                        <td className="num">{s.totals.closed}</td>
                        <td className="num">{s.totals.openAtMonthEnd}</td>
                        <td className="num">{formatPercent(s.callback.rate)}</td>
                        <td className="num">{s.satisfaction.average ?? '—'}</td>
                        <td className="num">{s.major.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          )}
        </>
      )}
    </div>
  );
};

export default MonthlyReportPage;
