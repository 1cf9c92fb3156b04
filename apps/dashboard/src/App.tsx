import { lazy, Suspense, useEffect } from 'react';
import { Layout } from './components/Layout';
import { Card, Spinner } from './components/ui';
import { useI18n } from './i18n/i18n';
import { AuditPage } from './pages/AuditPage';
import { ComplaintPage } from './pages/ComplaintPage';
import { ListPage } from './pages/ListPage';
import { LoginPage } from './pages/LoginPage';
import { QueuePage } from './pages/QueuePage';
import { NoticeQueuePage } from './pages/NoticeQueuePage';
import { RegisterPage } from './pages/RegisterPage';
import { TriagePage } from './pages/TriagePage';
import { Link, useRouter, type Route } from './router';
import { useSession } from './session';

// The chart pages carry ECharts: loaded when first opened, so the queue opens fast on a tablet.
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const MonthlyReportPage = lazy(() => import('./pages/MonthlyReportPage'));
const CaseLibraryPage = lazy(() => import('./pages/CaseLibraryPage'));
const DisclosurePage = lazy(() => import('./pages/DisclosurePage'));
const WeeklyCheckPage = lazy(() => import('./pages/WeeklyCheckPage'));
const RecordsPage = lazy(() => import('./pages/RecordsPage'));

const NotFound = () => {
  const { t } = useI18n();
  return (
    <Card>
      <p>{t('error.status.404')}</p>
      <Link to="/">{t('nav.queue')}</Link>
    </Card>
  );
};

const Page = ({ route }: { route: Route }) => {
  switch (route.name) {
    case 'queue':
      return <QueuePage />;
    case 'register':
      return <RegisterPage />;
    case 'list':
      return <ListPage />;
    case 'auditPick':
      return <ListPage mode="audit" />;
    case 'detail':
      return <ComplaintPage key={route.id} id={route.id} />;
    case 'triage':
      return <TriagePage key={route.id} id={route.id} />;
    case 'audit':
      return <AuditPage key={route.id} id={route.id} />;
    case 'dashboard':
      return <DashboardPage />;
    case 'monthly':
      return <MonthlyReportPage />;
    case 'caseLibrary':
      return <CaseLibraryPage />;
    case 'disclosure':
      return <DisclosurePage />;
    case 'weeklyCheck':
      return <WeeklyCheckPage />;
    case 'records':
      return <RecordsPage />;
    case 'notices':
      return <NoticeQueuePage />;
    default:
      return <NotFound />;
  }
};

export const App = () => {
  const { state } = useSession();
  const { route, navigate } = useRouter();
  const { t } = useI18n();

  useEffect(() => {
    if (state.status === 'signedIn' && route.name === 'login') navigate('/', { replace: true });
  }, [state.status, route.name, navigate]);

  if (state.status === 'loading') return <Spinner />;
  if (state.status === 'anonymous') return <LoginPage expired={state.expired} />;
  return (
    <>
      <Layout>
        <Suspense fallback={<Spinner label={t('common.loading')} />}>
          <Page route={route.name === 'login' ? { name: 'queue' } : route} />
        </Suspense>
      </Layout>
      {state.status === 'expired' && (
        <div className="modal-backdrop">
          <LoginPage expired inDialog username={state.me.username} />
        </div>
      )}
    </>
  );
};
