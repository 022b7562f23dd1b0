export { overviewDashboard, PROMETHEUS_DATASOURCE } from './dashboards/grafanaDashboard.ts';
export { dashboardProblems } from './dashboards/validateDashboard.ts';
export { subgraph } from './subgraph.ts';
export { entityQueries } from './subscriptions.ts';
