export { entityQueries } from './alertTopics.ts';
export { createSubgraph, typeDefs } from './createSubgraph.ts';
export { overviewDashboard, PROMETHEUS_DATASOURCE } from './dashboards/grafanaDashboard.ts';
export { dashboardProblems } from './dashboards/validateDashboard.ts';
