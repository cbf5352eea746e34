// Client-side routes under the page's <base href> (cairn-server serves index.html for every deep
// link, so each of these URLs works on reload):
//   ""               search (its form in the query string)
//   traces/{id}      one trace
//   dependency       the service dependency graph
//   traceViewer      a trace file opened from disk
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'search'; search: string }
  | { page: 'trace'; traceId: string }
  | { page: 'dependency'; search: string }
  | { page: 'upload' }
  | { page: 'notFound'; path: string };

const NAVIGATE_EVENT = 'cairn:navigate';

// The path of the app's base, always ending in "/": "/zipkin/".
export function basePath(base: string = document.baseURI): string {
  const path = new URL(base).pathname;
  return path.endsWith('/') ? path : `${path}/`;
}

export function parseRoute(pathname: string, search: string, base: string): Route {
  let rel: string;
  if (pathname.startsWith(base)) {
    rel = pathname.slice(base.length);
  } else if (`${pathname}/` === base) {
    rel = '';
  } else {
    return { page: 'notFound', path: pathname };
  }
  rel = rel.replace(/\/+$/, '');
  if (rel === '' || rel === 'index.html') return { page: 'search', search };
  if (rel === 'dependency') return { page: 'dependency', search };
  if (rel === 'traceViewer') return { page: 'upload' };
  const trace = /^traces\/([^/]+)$/.exec(rel);
  if (trace) {
    let traceId = trace[1];
    try {
      traceId = decodeURIComponent(traceId);
    } catch {
      // keep it as written; the API will say what is wrong with it
    }
    return { page: 'trace', traceId };
  }
  return { page: 'notFound', path: pathname };
}

export function currentRoute(): Route {
  return parseRoute(window.location.pathname, window.location.search, basePath());
}

// An absolute path for a route written relative to the base: "traces/abc" -> "/zipkin/traces/abc".
export function href(to: string): string {
  return new URL(to, document.baseURI).pathname + (to.includes('?') ? to.slice(to.indexOf('?')) : '');
}

export function navigate(to: string, replace = false): void {
  const target = href(to);
  if (replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  if (!replace) window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return route;
}
