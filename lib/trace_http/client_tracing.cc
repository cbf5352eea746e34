#include "lib/trace_http/client_tracing.h"

#include "lib/trace_http/beast_headers.h"

namespace cairn::trace_http {

namespace http = boost::beast::http;

trace::Span StartClientSpan(trace::Tracer& tracer, http::request_header<>& request,
                            const ClientSpanOptions& options) {
  std::string_view method(request.method_string().data(), request.method_string().size());
  trace::SpanOptions span_options;
  span_options.kind = trace::SpanKind::kClient;
  span_options.parent = options.parent;
  trace::Span span = options.name.empty() ? tracer.StartSpan(LowerCaseMethod(method), span_options)
                                          : tracer.StartSpan(options.name, span_options);
  if (span.IsRecording()) {
    span.Tag("http.method", method);
    std::string_view path =
        PathOfTarget(std::string_view(request.target().data(), request.target().size()));
    if (!path.empty()) span.Tag("http.path", path);
    if (!options.remote_service_name.empty()) {
      span.SetRemoteServiceName(options.remote_service_name);
    }
    if (options.remote != nullptr) SetRemoteEndpoint(span, *options.remote);
  }
  if (span.context().IsValid()) {
    BeastHeaderWriter headers(request);
    tracer.Inject(span.context(), trace::SpanKind::kClient, headers);
  }
  return span;
}

void FinishClientSpan(trace::Span& span, const http::response_header<>& response,
                      const HttpTracingOptions& options) {
  TagResponseStatus(span, response.result_int(), options);
  span.Finish();
}

void FinishClientSpan(trace::Span& span, const boost::system::error_code& error) {
  if (error) span.SetError(error.message());
  span.Finish();
}

}  // namespace cairn::trace_http
