import type { ReactNode } from 'react';
import type { MessageKey } from './i18n/messages-zh-cn.ts';
import { AnalyticsPage } from './pages/analytics/analytics-page.tsx';
import { LifecyclePage } from './pages/analytics/lifecycle-page.tsx';
import { OverviewPage } from './pages/analytics/overview-page.tsx';
import { RfmPage } from './pages/analytics/rfm-page.tsx';
import { BroadcastPage } from './pages/broadcasts/broadcast-page.tsx';
import { BroadcastsPage } from './pages/broadcasts/broadcasts-page.tsx';
import { CustomerProfilePage } from './pages/customers/customer-profile-page.tsx';
import { CustomersPage } from './pages/customers/customers-page.tsx';
import { ImportPage } from './pages/imports/import-page.tsx';
import { JourneyBuilderPage } from './pages/journeys/journey-builder-page.tsx';
import { JourneyResultsPage } from './pages/journeys/journey-results-page.tsx';
import { JourneysPage } from './pages/journeys/journeys-page.tsx';
import { LoyaltyPage } from './pages/loyalty/loyalty-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { PredictionPage } from './pages/predict/prediction-page.tsx';
import { SegmentsPage } from './pages/segments/segments-page.tsx';
import { SettingsPage } from './pages/settings/settings-page.tsx';
import { SurveyBuilderPage } from './pages/surveys/survey-builder.tsx';
import { SurveyResultsPage } from './pages/surveys/survey-results-page.tsx';
import { SurveysPage } from './pages/surveys/surveys-page.tsx';
import { TasksPage } from './pages/tasks/tasks-page.tsx';
import { TemplatesPage } from './pages/templates/templates-page.tsx';

/** The pages in the navigation, in order. */
export const NAV: { path: string; label: MessageKey; adminOnly?: boolean }[] = [
  { path: '/', label: 'nav.overview' },
  { path: '/customers', label: 'nav.customers' },
  { path: '/tasks', label: 'nav.tasks' },
  { path: '/surveys', label: 'nav.surveys' },
  { path: '/rfm', label: 'nav.rfm' },
  { path: '/lifecycle', label: 'nav.lifecycle' },
  { path: '/segments', label: 'nav.segments' },
  { path: '/journeys', label: 'nav.journeys' },
  { path: '/broadcasts', label: 'nav.broadcasts' },
  { path: '/templates', label: 'nav.templates' },
  { path: '/analytics', label: 'nav.analytics' },
  { path: '/predict', label: 'nav.predict' },
  { path: '/loyalty', label: 'nav.loyalty' },
  { path: '/import', label: 'nav.import' },
  { path: '/settings', label: 'nav.settings' },
];

/** The page for a path. */
export function routeFor(path: string): ReactNode {
  const customer = /^\/customers\/(\d+)$/.exec(path);
  if (customer) return <CustomerProfilePage id={Number(customer[1])} />;
  const journey = /^\/journeys\/(view|edit)\/([^/]+)$/.exec(path);
  if (journey) {
    const name = decodeURIComponent(journey[2]!);
    return journey[1] === 'edit' ? (
      <JourneyBuilderPage key={name} name={name} />
    ) : (
      <JourneyResultsPage name={name} />
    );
  }
  const broadcast = /^\/broadcasts\/(\d+)$/.exec(path);
  if (broadcast) return <BroadcastPage key={broadcast[1]} id={Number(broadcast[1])} />;
  const survey = /^\/surveys\/(\d+)(\/edit)?$/.exec(path);
  if (survey) {
    const id = Number(survey[1]);
    return survey[2] ? <SurveyBuilderPage key={id} id={id} /> : <SurveyResultsPage id={id} />;
  }
  switch (path) {
    case '/':
      return <OverviewPage />;
    case '/customers':
      return <CustomersPage />;
    case '/tasks':
      return <TasksPage />;
    case '/surveys':
      return <SurveysPage />;
    case '/surveys/new':
      return <SurveyBuilderPage key="new" />;
    case '/rfm':
      return <RfmPage />;
    case '/lifecycle':
      return <LifecyclePage />;
    case '/segments':
      return <SegmentsPage />;
    case '/journeys':
      return <JourneysPage />;
    case '/broadcasts':
      return <BroadcastsPage />;
    case '/journeys/new':
      return <JourneyBuilderPage key="new" />;
    case '/templates':
      return <TemplatesPage />;
    case '/analytics':
      return <AnalyticsPage />;
    case '/predict':
      return <PredictionPage />;
    case '/loyalty':
      return <LoyaltyPage />;
    case '/import':
      return <ImportPage />;
    case '/settings':
      return <SettingsPage />;
    default:
      return <NotFoundPage />;
  }
}

/** The navigation entry a path belongs to. */
export const navKeyFor = (path: string) =>
  path === '/' ? '/' : (NAV.find((n) => n.path !== '/' && path.startsWith(n.path))?.path ?? '');
