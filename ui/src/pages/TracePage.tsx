// /traces/{id}: one trace from the server.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorMessage, isAbort } from '../api/client';
import type { UiConfig } from '../api/config';
import { getTrace } from '../api/zipkin';
import { Link } from '../components/Link';
import { ErrorMessage, Loading } from '../components/Messages';
import { TraceView } from '../components/TraceView';
import type { Span } from '../model/span';
import { buildTraceModel, type TraceModel } from '../trace/trace-model';

type State =
  | { status: 'loading' }
  | { status: 'error'; title: string; message: string }
  | { status: 'ok'; spans: Span[]; model: TraceModel };

export function TracePage(props: { traceId: string; config: UiConfig }) {
  const { traceId } = props;
  const [state, setState] = useState<State>({ status: 'loading' });

  useEffect(() => {
    setState({ status: 'loading' });
    const controller = new AbortController();
    getTrace(traceId, controller.signal).then(
      (spans) => {
        if (spans.length === 0) {
          setState({ status: 'error', title: `Trace ${traceId} has no spans.`, message: 'The server answered an empty list.' });
          return;
        }
        try {
          const model = buildTraceModel(spans);
          setState({ status: 'ok', spans, model });
          document.title = `${model.rootServiceName}: ${model.rootSpanName} · cairn`;
        } catch (e) {
          setState({ status: 'error', title: `Trace ${traceId} cannot be shown.`, message: errorMessage(e) });
        }
      },
      (e) => {
        if (isAbort(e)) return;
        const notFound = e instanceof ApiError && e.status === 404;
        setState({
          status: 'error',
          title: notFound ? `Trace ${traceId} was not found.` : `Could not load trace ${traceId}.`,
          message: errorMessage(e),
        });
      },
    );
    return () => controller.abort();
  }, [traceId]);

  if (state.status === 'loading') return <Loading what={`trace ${traceId}`} />;
  if (state.status === 'error') {
    return (
      <ErrorMessage title={state.title} message={state.message}>
        <Link to="">Back to search</Link>
      </ErrorMessage>
    );
  }
  return <TraceView model={state.model} spans={state.spans} config={props.config} />;
}
