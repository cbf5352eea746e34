// /traceViewer: a trace file from disk (what "Download JSON" saves, /api/v2/trace/{id} answers, or
// an /api/v2/traces answer), shown without the server. Malformed files get a message saying what
// is wrong and where.
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { errorMessage } from '../api/client';
import type { UiConfig } from '../api/config';
import { ErrorMessage, Notice } from '../components/Messages';
import { TraceView } from '../components/TraceView';
import type { Span } from '../model/span';
import { parseTraceFile } from '../model/validate';
import { buildTraceModel } from '../trace/trace-model';

const MAX_FILE_BYTES = 200 * 1024 * 1024;

export function UploadPage(props: { config: UiConfig }) {
  const [fileName, setFileName] = useState<string>();
  const [traces, setTraces] = useState<Span[][]>([]);
  const [chosen, setChosen] = useState(0);
  const [error, setError] = useState<string>();
  const [dragging, setDragging] = useState(false);

  const load = async (file: File | undefined) => {
    if (!file) return;
    setFileName(file.name);
    setTraces([]);
    setChosen(0);
    setError(undefined);
    if (file.size > MAX_FILE_BYTES) {
      setError(`${file.name} is ${Math.round(file.size / 1048576)} MB; the viewer opens files up to 200 MB.`);
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (e) {
      setError(`Cannot read ${file.name}: ${errorMessage(e)}`);
      return;
    }
    const parsed = parseTraceFile(text);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setTraces(parsed.value);
  };

  const built = useMemo(() => {
    const spans = traces[chosen];
    if (!spans) return undefined;
    try {
      return { ok: true as const, spans, model: buildTraceModel(spans) };
    } catch (e) {
      return { ok: false as const, error: errorMessage(e) };
    }
  }, [traces, chosen]);

  const onDrop = (e: JSX.TargetedDragEvent<HTMLLabelElement>) => {
    e.preventDefault();
    setDragging(false);
    void load(e.dataTransfer?.files?.[0]);
  };

  return (
    <div class="upload-page">
      <label
        class={`dropzone ${dragging ? 'dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <input
          type="file"
          accept=".json,application/json"
          data-testid="upload-input"
          onChange={(e) => void load((e.currentTarget as HTMLInputElement).files?.[0])}
        />
        <span>
          <b>Open a trace file</b> (or drop one here): Zipkin v2 JSON as <code>/api/v2/trace/&#123;id&#125;</code> answers
          it or <i>Download JSON</i> saves it. Nothing is sent to the server.
        </span>
      </label>
      {error && <ErrorMessage title={`${fileName ?? 'The file'} cannot be shown.`} message={error} />}
      {traces.length > 1 && (
        <div class="trace-picker" data-testid="trace-picker">
          {fileName} holds {traces.length} traces:{' '}
          {traces.map((t, i) => (
            <button key={i} type="button" class={i === chosen ? 'primary' : ''} onClick={() => setChosen(i)}>
              {t[0]?.traceId} ({t.length} spans)
            </button>
          ))}
        </div>
      )}
      {built && !built.ok && <ErrorMessage title={`${fileName} cannot be shown.`} message={built.error} />}
      {built && built.ok && (
        <TraceView key={`${fileName}-${chosen}`} model={built.model} spans={built.spans} config={props.config} source={fileName} />
      )}
      {!fileName && <Notice>No file opened yet.</Notice>}
    </div>
  );
}
