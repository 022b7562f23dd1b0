import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ConsoleMeDocument } from '../generated/graphql.ts';
import { ErrorNote } from './components/errorNote.ts';
import { MeContext, OFFERED_SCOPES } from './permissions.ts';
import { type Route, useRoute } from './route.ts';
import {
  beginOidcSignIn,
  completeOidcSignIn,
  onSessionChange,
  refusal,
  settings,
  signedIn,
  signInWithKey,
  signOut,
} from './signIn.ts';
import { useQuery } from './useQuery.ts';
import { AlertsView, HealthView } from './views/alertsView.ts';
import { ArtifactsView } from './views/artifactsView.ts';
import { ArtifactView } from './views/artifactView.ts';
import { CompareView } from './views/compareView.ts';
import { ExperimentsView } from './views/experimentsView.ts';
import { ModelsView, ModelView } from './views/modelsView.ts';
import { RunsView } from './views/runsView.ts';
import { RunView } from './views/runView.ts';
import { WorkflowRunView } from './views/workflowRunView.ts';
import { WorkflowsView } from './views/workflowsView.ts';

const SECTIONS = [
  ['experiments', 'Experiments'],
  ['workflows', 'Workflows'],
  ['artifacts', 'Artifacts'],
  ['models', 'Models'],
  ['alerts', 'Alerts'],
  ['health', 'Health'],
] as const;

/** The view for an address; unknown addresses say so rather than show an empty page. */
function View(props: { route: Route }) {
  const { route } = props;
  const [section = 'experiments', id, ...rest] = route.parts;
  if (section === 'experiments')
    return id
      ? html`<${RunsView} route=${route} experimentId=${id} />`
      : html`<${ExperimentsView} route=${route} />`;
  if (section === 'runs' && id) return html`<${RunView} route=${route} runId=${id} />`;
  if (section === 'compare') return html`<${CompareView} route=${route} />`;
  if (section === 'workflows')
    return id === 'runs' && rest[0]
      ? html`<${WorkflowRunView} runId=${rest[0]} />`
      : html`<${WorkflowsView} route=${route} />`;
  if (section === 'artifacts')
    return id
      ? html`<${ArtifactView} route=${route} artifactId=${id} />`
      : html`<${ArtifactsView} route=${route} />`;
  if (section === 'models')
    return id ? html`<${ModelView} name=${id} />` : html`<${ModelsView} route=${route} />`;
  if (section === 'alerts') return html`<${AlertsView} />`;
  if (section === 'health') return html`<${HealthView} />`;
  return html`<section class="not-found"><h2>No such page</h2><p><a href="#/experiments">Experiments</a></p></section>`;
}

function useTheme(): [string, () => void] {
  const [theme, setTheme] = useState(
    () =>
      localStorage.getItem('jarvis.console.theme') ??
      (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'),
  );
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('jarvis.console.theme', theme);
  }, [theme]);
  return [theme, () => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))];
}

function SignIn(props: { problem: string | undefined }) {
  const [key, setKey] = useState('');
  return html`<main class="sign-in">
    <h1>Jarvis</h1>
    ${props.problem ? html`<p class="error" role="alert">${props.problem}</p>` : ''}
    ${
      settings.mode === 'oidc'
        ? html`<button type="button" class="primary" onClick=${() => void beginOidcSignIn()}>Sign in</button>`
        : html`<form onSubmit=${(e: Event) => {
            e.preventDefault();
            if (key.trim()) signInWithKey(key);
          }}>
          <label for="api-key">API key</label>
          <input id="api-key" type="password" autocomplete="off" placeholder="jv_…" value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} />
          <button type="submit" class="primary">Sign in</button>
          <p class="hint">Create one with <code>jarvis keys create</code> or the <code>createApiKey</code> mutation.</p>
        </form>`
    }
  </main>`;
}

function Shell(props: { route: Route }) {
  const me = useQuery(ConsoleMeDocument, { scopes: OFFERED_SCOPES });
  const [theme, toggleTheme] = useTheme();
  const section = props.route.parts[0] ?? 'experiments';
  const who = me.data?.me;
  return html`<${MeContext.Provider} value=${who}>
    <header class="top">
      <a class="brand" href="#/experiments">Jarvis</a>
      <nav aria-label="sections">
        ${SECTIONS.map(([id, label]) => html`<a href=${`#/${id}`} aria-current=${section === id || (id === 'experiments' && ['runs', 'compare'].includes(section)) ? 'page' : undefined}>${label}</a>`)}
        <a href="/graphql">GraphiQL</a>
      </nav>
      <span class="who">${who ? `${who.user?.name ?? who.user?.email ?? who.kind.toLowerCase()} · ${who.project.name} · ${who.roles.map((r) => r.toLowerCase()).join(', ')}` : ''}</span>
      <button type="button" class="theme" aria-label=${`switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} onClick=${toggleTheme}>${theme === 'dark' ? '☀' : '☾'}</button>
      ${settings.mode === 'local' ? '' : html`<button type="button" onClick=${signOut}>Sign out</button>`}
    </header>
    <main><${ErrorNote} error=${me.error} /><${View} route=${props.route} /></main>
  <//>`;
}

function App(props: { problem: string | undefined }) {
  const route = useRoute();
  const [, setVersion] = useState(0);
  useEffect(() => onSessionChange(() => setVersion((v) => v + 1)), []);
  if (!signedIn()) return html`<${SignIn} problem=${props.problem ?? refusal()} />`;
  return html`<${Shell} route=${route} />`;
}

const problem = await completeOidcSignIn().catch((error: Error) => error.message);
const root = document.getElementById('console')!;
root.textContent = '';
render(html`<${App} problem=${problem} />`, root);
