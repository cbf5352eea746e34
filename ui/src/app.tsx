// The application shell: top bar (navigation, trace id jump) and the page of the current route.
import { useState } from 'preact/hooks';
import type { UiConfig } from './api/config';
import { Link } from './components/Link';
import { ErrorBoundary, ErrorMessage, Notice } from './components/Messages';
import { DependencyPage } from './pages/DependencyPage';
import { SearchPage } from './pages/SearchPage';
import { TracePage } from './pages/TracePage';
import { UploadPage } from './pages/UploadPage';
import { navigate, useRoute, type Route } from './router';

function TraceJump() {
  const [id, setId] = useState('');
  const [invalid, setInvalid] = useState(false);
  return (
    <form
      class="trace-jump"
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = id.trim().toLowerCase();
        if (!/^[0-9a-f]{1,32}$/.test(trimmed)) {
          setInvalid(true);
          return;
        }
        setInvalid(false);
        navigate(`traces/${trimmed}`);
      }}
    >
      <input
        value={id}
        onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)}
        placeholder="Trace ID"
        aria-label="Trace ID"
        aria-invalid={invalid}
        title={invalid ? 'A trace id is 1 to 32 hex characters' : 'Open a trace by its id'}
        class={invalid ? 'invalid' : ''}
        data-testid="trace-jump"
      />
      <button type="submit">Open</button>
    </form>
  );
}

function page(route: Route, config: UiConfig) {
  switch (route.page) {
    case 'search':
      return <SearchPage config={config} search={route.search} />;
    case 'trace':
      return <TracePage traceId={route.traceId} config={config} />;
    case 'dependency':
      return <DependencyPage config={config} search={route.search} />;
    case 'upload':
      return <UploadPage config={config} />;
    default:
      return (
        <ErrorMessage title="No such page." message={`${route.path} is not a page of the trace UI.`}>
          <Link to="">Go to search</Link>
        </ErrorMessage>
      );
  }
}

export function App(props: { config: UiConfig; configError?: string }) {
  const route = useRoute();
  const { config } = props;
  const active = (p: Route['page']) => (route.page === p ? 'active' : '');
  if (route.page !== 'trace') document.title = 'cairn';
  return (
    <>
      <header class="topbar">
        <Link to="" class="brand" title="cairn: distributed tracing">
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <ellipse cx="12" cy="19" rx="9" ry="3.5" fill="#8fb3d9" />
            <ellipse cx="12" cy="12.5" rx="6.5" ry="3" fill="#5d8fc4" />
            <ellipse cx="12" cy="7" rx="4" ry="2.4" fill="#2f6aa8" />
          </svg>
          cairn
        </Link>
        {config.environment && <span class="env">{config.environment}</span>}
        <nav>
          <Link to="" class={active('search')}>
            Search
          </Link>
          {config.dependency.enabled && (
            <Link to="dependency" class={active('dependency')} testId="nav-dependency">
              Dependencies
            </Link>
          )}
          <Link to="traceViewer" class={active('upload')} testId="nav-upload">
            Open file
          </Link>
        </nav>
        <TraceJump />
        {config.supportUrl && (
          <a class="support" href={config.supportUrl} target="_blank" rel="noreferrer">
            Support
          </a>
        )}
      </header>
      <main class={`page-${route.page}`}>
        {props.configError && (
          <Notice>
            Could not load config.json ({props.configError}); using Zipkin's defaults.
          </Notice>
        )}
        <ErrorBoundary key={route.page === 'trace' ? `trace-${route.traceId}` : route.page}>
          {page(route, config)}
        </ErrorBoundary>
      </main>
    </>
  );
}
