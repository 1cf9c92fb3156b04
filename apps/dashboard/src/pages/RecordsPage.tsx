import { useState } from 'react';
import { PACK_GENERATORS, PACK_SIGNERS, SEAL_READERS, YEAR_SEALERS, recordsApi, type MonthlyPackRecord, type YearSeal } from '../api/records';
import { Card, DateTime, ErrorBanner, Notice, Spinner, useLoad } from '../components/ui';
import { useI18n, type MsgKey } from '../i18n/i18n';
import { useSession } from '../session';

const previousMonth = () => {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

const short = (sha: string) => `${sha.slice(0, 12)}…`;

/** A done message as a key (so it follows a language switch), or the error. */
type Done = [MsgKey, Record<string, string | number>];
type Result = { ok: boolean; done?: Done; error?: unknown } | null;

/** The monthly packs: generated on the 1st as snapshots, signed off by a manager by the due day. */
const MonthlyPacks = ({ siteId }: { siteId: string }) => {
  const { t } = useI18n();
  const { me } = useSession();
  const role = me?.role ?? '';
  const [month, setMonth] = useState(previousMonth);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Result>(null);
  const { data, error, loading, reload } = useLoad((signal) => recordsApi.packs(siteId, signal), [siteId]);

  const run = async (key: string, work: () => Promise<Done>) => {
    setBusy(key);
    setResult(null);
    try {
      setResult({ ok: true, done: await work() });
      reload();
    } catch (e) {
      setResult({ ok: false, error: e });
    } finally {
      setBusy(null);
    }
  };
  const generate = () =>
    run('generate', async () => {
      const r = await recordsApi.generatePack(siteId, month);
      return [r.generated ? 'records.pack.generated' : 'records.pack.alreadyGenerated', { month }];
    });
  const signOff = (pack: MonthlyPackRecord) =>
    run(`sign-${pack.month}`, async () => {
      const pdf = pack.files.find((f) => f.format === 'pdf') ?? pack.files[0];
      await recordsApi.signOff(siteId, pack.month, pdf.sha256);
      return ['records.pack.signedNow', { month: pack.month }];
    });
  const download = (pack: MonthlyPackRecord, format: 'pdf' | 'json') => run(`dl-${pack.month}-${format}`, async (): Promise<Done> => ['report.exported', { name: await recordsApi.downloadSnapshot(siteId, pack.month, format) }]);

  return (
    <Card
      title={t('records.packs.title')}
      testId="records-packs"
      actions={
        PACK_GENERATORS.includes(role) ? (
          <div className="head-actions">
            <label className="inline-field">
              <span>{t('report.month')}</span>
              <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="records-pack-month" />
            </label>
            <button type="button" className="btn" disabled={busy !== null || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)} onClick={() => void generate()} data-testid="records-generate">
              {busy === 'generate' ? t('records.working') : t('records.pack.generate')}
            </button>
          </div>
        ) : undefined
      }
    >
      <p className="muted small">{t('records.packs.help')}</p>
      {result?.ok && result.done && <Notice kind="success">{t(...result.done)}</Notice>}
      {result && !result.ok && <ErrorBanner error={result.error} />}
      {loading && !data && <Spinner />}
      <ErrorBanner error={error} onRetry={reload} />
      {data && data.items.length === 0 && <p className="empty">{t('records.packs.none')}</p>}
      {data && data.items.length > 0 && (
        <table className="table" data-testid="records-packs-table">
          <thead>
            <tr>
              <th>{t('report.month')}</th>
              <th>{t('records.pack.status')}</th>
              <th>{t('records.pack.dueBy')}</th>
              <th>{t('records.pack.snapshot')}</th>
              <th>{t('records.pack.signedOff')}</th>
              <th>{t('records.pack.chases')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.items.map((p) => (
              <tr key={p.month} data-testid={`pack-${p.month}`}>
                <td>{p.month}</td>
                <td>
                  <span className={`badge ${p.status === 'signed_off' ? 'badge-good' : p.overdue ? 'badge-bad' : 'badge-warn'}`}>
                    {p.status === 'signed_off' ? t('records.pack.statusSigned') : p.overdue ? t('records.pack.statusOverdue') : t('records.pack.statusAwaiting')}
                  </span>
                </td>
                <td>{p.dueBy}</td>
                <td>
                  {p.files.map((f) => (
                    <button key={f.format} type="button" className="btn btn-small btn-ghost" title={f.sha256} disabled={busy !== null} onClick={() => void download(p, f.format as 'pdf' | 'json')}>
                      {f.format.toUpperCase()} <code>{short(f.sha256)}</code>
                    </button>
                  ))}
                </td>
                <td>
                  {p.signedOffAt ? (
                    <>
                      {p.signedOffBy} · <DateTime iso={p.signedOffAt} /> {p.late && <span className="badge badge-bad">{t('records.pack.late')}</span>}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{p.chases > 0 ? t('records.pack.chasedTimes', { n: p.chases, date: p.lastChasedOn ?? '' }) : '—'}</td>
                <td>
                  {p.status === 'awaiting_sign_off' && PACK_SIGNERS.includes(role) && (
                    <button type="button" className="btn btn-primary btn-small" disabled={busy !== null} onClick={() => void signOff(p)} data-testid={`sign-${p.month}`}>
                      {t('records.pack.signOff')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
};

const SealDetail = ({ siteId, year }: { siteId: string; year: number }) => {
  const { t } = useI18n();
  const { data, error, loading } = useLoad((signal) => recordsApi.seal(siteId, year, signal), [siteId, year]);
  if (loading && !data) return <Spinner />;
  if (error) return <ErrorBanner error={error} />;
  if (!data?.records) return null;
  if (data.records.length === 0) return <p className="empty small" data-testid={`seal-records-${year}`}>{t('records.seal.noRecords', { year })}</p>;
  return (
    <table className="table" data-testid={`seal-records-${year}`}>
      <thead>
        <tr>
          <th>{t('records.seal.number')}</th>
          <th>{t('records.seal.important')}</th>
          <th>{t('records.seal.retainUntil')}</th>
          <th>{t('records.seal.earliestPurge')}</th>
          <th>{t('records.seal.purged')}</th>
        </tr>
      </thead>
      <tbody>
        {data.records.map((r) => (
          <tr key={r.complaintId}>
            <td className="number">{r.number}</td>
            <td>{r.major ? t('common.yes') : t('common.no')}</td>
            <td>{r.retainUntil}</td>
            <td>{r.earliestPurgeDate}</td>
            <td>{r.purgedAt ? <DateTime iso={r.purgedAt} /> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/** The year-end seals: run in January by the scheduler, or here on demand. */
const YearSeals = ({ siteId }: { siteId: string }) => {
  const { t } = useI18n();
  const { me } = useSession();
  const role = me?.role ?? '';
  const [year, setYear] = useState(() => new Date().getFullYear() - 1);
  const [open, setOpen] = useState<number | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Result>(null);
  const { data, error, loading, reload } = useLoad((signal) => recordsApi.seals(siteId, signal), [siteId]);

  const run = async (key: string, work: () => Promise<Done>) => {
    setBusy(key);
    setResult(null);
    try {
      setResult({ ok: true, done: await work() });
      reload();
    } catch (e) {
      setResult({ ok: false, error: e });
    } finally {
      setBusy(null);
    }
  };
  const seal = () =>
    run('seal', async () => {
      const r = await recordsApi.sealYear(siteId, year);
      return r.sealed ? ['records.seal.sealedNow', { year, edition: r.edition ?? 1 }] : ['records.seal.nothingNew', { year }];
    });
  const lastEdition = (s: YearSeal) => s.editions[s.editions.length - 1];

  return (
    <Card
      title={t('records.seals.title')}
      testId="records-seals"
      actions={
        YEAR_SEALERS.includes(role) ? (
          <div className="head-actions">
            <label className="inline-field">
              <span>{t('records.seal.year')}</span>
              <input type="number" min={2000} max={2999} value={year} onChange={(e) => setYear(Number(e.target.value))} data-testid="records-seal-year" />
            </label>
            <button type="button" className="btn btn-primary" disabled={busy !== null || !(year >= 2000 && year <= 2999)} onClick={() => void seal()} data-testid="records-seal">
              {busy === 'seal' ? t('records.working') : t('records.seal.button')}
            </button>
          </div>
        ) : undefined
      }
    >
      <p className="muted small">{t('records.seals.help')}</p>
      {result?.ok && result.done && <Notice kind="success">{t(...result.done)}</Notice>}
      {result && !result.ok && <ErrorBanner error={result.error} />}
      {loading && !data && <Spinner />}
      <ErrorBanner error={error} onRetry={reload} />
      {data && data.items.length === 0 && <p className="empty">{t('records.seals.none')}</p>}
      {data && data.items.length > 0 && (
        <table className="table" data-testid="records-seals-table">
          <thead>
            <tr>
              <th>{t('records.seal.year')}</th>
              <th>{t('records.seal.editions')}</th>
              <th>{t('records.seal.complaints')}</th>
              <th>{t('records.seal.rootHash')}</th>
              <th>{t('records.seal.lastSealed')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.items.map((s) => (
              <tr key={s.year} data-testid={`seal-${s.year}`}>
                <td>{s.year}</td>
                <td>{s.editions.length}</td>
                <td>
                  {s.complaints}
                  {s.purged > 0 && ` (${t('records.seal.purgedCount', { n: s.purged })})`}
                </td>
                <td>
                  <code title={lastEdition(s).rootHash}>{short(lastEdition(s).rootHash)}</code>
                </td>
                <td>
                  <DateTime iso={s.lastSealedAt} />
                </td>
                <td>
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(open === s.year ? null : s.year)} data-testid={`seal-open-${s.year}`}>
                    {t('records.seal.showRecords')}
                  </button>
                  <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void run(`dl-${s.year}`, async (): Promise<Done> => ['report.exported', { name: await recordsApi.downloadArchive(siteId, s.year, lastEdition(s).edition) }])}>
                    {t('records.seal.download')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && <SealDetail siteId={siteId} year={open} />}
    </Card>
  );
};

/** The records desk (档案台账): monthly pack sign-off and year-end sealing with retention. */
export const RecordsPage = () => {
  const { t, site } = useI18n();
  const { me, siteId: sessionSite, sites } = useSession();
  const [siteId, setSiteId] = useState<string>(sessionSite || sites[0] || '');
  const role = me?.role ?? '';
  const departmentStaff = ['department_head', 'handler'].includes(role);
  return (
    <div className="page" data-testid="records-page">
      <div className="page-head">
        <div>
          <h1>{t('records.title')}</h1>
          <p className="muted">{t('records.subtitle')}</p>
        </div>
        <div className="head-actions">
          <label className="inline-field">
            <span>{t('site.label')}</span>
            <select value={siteId} onChange={(e) => setSiteId(e.target.value)} data-testid="records-site">
              {sites.map((s) => (
                <option key={s} value={s}>
                  {site(s)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {siteId && !departmentStaff && <MonthlyPacks siteId={siteId} />}
      {siteId && SEAL_READERS.includes(role) && <YearSeals siteId={siteId} />}
    </div>
  );
};

export default RecordsPage;
