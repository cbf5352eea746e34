#include "bench/ingest/batch_templates.h"

#include <cstring>
#include <memory>
#include <string_view>

#include "lib/model/json_v2_writer.h"

namespace cairn::bench {

std::vector<BatchTemplate> BuildBatchTemplates(std::size_t count, std::size_t batch_size,
                                               std::uint64_t seed) {
  tools::LandscapeSpanGenerator generator(seed);
  std::vector<BatchTemplate> templates(count);
  const std::int64_t now = tools::NowMicros();
  for (BatchTemplate& batch : templates) {
    std::vector<trace::SpanRecordPtr> spans;
    std::vector<std::size_t> trace_of_span;
    std::size_t traces = 0;
    while (spans.size() < batch_size) {
      // Placeholder ids, always 128-bit so every id in the body is 32 characters wide.
      const trace::TraceId placeholder{1, traces + 1};
      const std::int64_t start = now - static_cast<std::int64_t>(generator.rng()() % 60'000'000);
      tools::LandscapeTraceInfo info = generator.AppendTrace(placeholder, start, spans);
      trace_of_span.insert(trace_of_span.end(), info.spans, traces);
      ++traces;
    }
    spans.resize(batch_size);
    trace_of_span.resize(batch_size);
    traces = trace_of_span.back() + 1;

    std::vector<const trace::SpanRecord*> pointers;
    for (const trace::SpanRecordPtr& span : spans) pointers.push_back(span.get());
    model::AppendJsonV2List(pointers, batch.body);
    batch.spans = batch_size;
    batch.trace_id_offsets.assign(traces, {});

    // The k-th "traceId" in the encoded list belongs to the k-th span.
    constexpr std::string_view kKey = "\"traceId\":\"";
    std::size_t at = 0;
    for (std::size_t k = 0; k < batch_size; ++k) {
      at = batch.body.find(kKey, at);
      if (at == std::string::npos) break;  // cannot happen: every span has a trace id
      at += kKey.size();
      batch.trace_id_offsets[trace_of_span[k]].push_back(at);
    }
  }
  return templates;
}

BatchStamper::BatchStamper(const std::vector<BatchTemplate>& templates, tools::TraceIdSource ids,
                           std::size_t first_template)
    : templates_(templates), ids_(ids), next_template_(first_template % templates.size()) {}

const std::string& BatchStamper::Next() {
  const BatchTemplate& batch = templates_[next_template_];
  next_template_ = (next_template_ + 1) % templates_.size();
  body_.assign(batch.body);
  spans_ = batch.spans;
  trace_ids_.clear();
  char hex[32];
  for (const std::vector<std::size_t>& offsets : batch.trace_id_offsets) {
    trace::TraceId id = ids_.Next();
    id.WriteHex(hex);
    for (std::size_t offset : offsets) std::memcpy(body_.data() + offset, hex, sizeof(hex));
    trace_ids_.push_back(id);
  }
  return body_;
}

}  // namespace cairn::bench
