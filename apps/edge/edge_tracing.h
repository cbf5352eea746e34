// Tracing glue for the edge: the process tracer built from TracingConfig, and propagation
// carriers over the edge's allocation-free message heads.
//
// The tracer's SERVER spans are children of the caller's span (supports_join = false), so the
// client and server sides of every hop have distinct span ids as the landscape requires. Spans go
// to the Zipkin collector at tracing.zipkin-url through an AsyncReporter (never blocking a worker),
// or nowhere when it is empty; new traces are sampled at tracing.sample-rate while callers'
// decisions are honoured.
#pragma once

#include <memory>
#include <string>

#include "apps/edge/edge_config.h"
#include "cairn/trace/propagation.h"
#include "cairn/trace/reporter.h"
#include "cairn/trace/tracer.h"
#include "lib/base/status.h"
#include "lib/net/http1_head.h"

namespace cairn::edge {

struct EdgeTracer {
  std::unique_ptr<trace::Tracer> tracer;
  std::shared_ptr<trace::AsyncReporter> reporter;  // null without a collector
};

Result<EdgeTracer> MakeEdgeTracer(const TracingConfig& config);

// Reads propagation headers from a parsed request head.
class HeadReader final : public trace::HeaderReader {
 public:
  explicit HeadReader(const net::MessageHead& head) : head_(head) {}
  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override;

 private:
  const net::MessageHead& head_;
};

// Appends "name: value\r\n" lines to an outgoing head being built.
class HeadAppender final : public trace::HeaderWriter {
 public:
  explicit HeadAppender(std::string& out) : out_(out) {}
  void Set(std::string_view name, std::string_view value) override {
    net::AppendField(out_, name, value);
  }

 private:
  std::string& out_;
};

// True for the propagation headers the edge replaces with its own (b3, x-b3-*, traceparent,
// tracestate); `name` in any case.
bool IsPropagationHeader(std::string_view name);

}  // namespace cairn::edge
