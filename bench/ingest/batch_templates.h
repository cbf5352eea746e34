// Pre-encoded span batches for the load generator.
//
// Encoding spans is the client's cost, not the server's, so the load generator encodes a set of
// batch templates once (landscape-shaped SpanRecords through lib/model's JSON v2 encoder, the
// same encoder the tracing library's reporter uses) and, per request, only overwrites the trace
// ids in a copy: every posted trace is new to the server (unique 128-bit ids), which is what the
// store's indexes see in production, at the cost of a memcpy and a few hex writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cairn/trace/ids.h"
#include "tools/support/landscape_spans.h"

namespace cairn::bench {

struct BatchTemplate {
  std::string body;  // a JSON v2 list of `spans` spans
  std::size_t spans = 0;
  // Per trace in the batch: the offsets in `body` of its 32-character trace id, one per span.
  std::vector<std::vector<std::size_t>> trace_id_offsets;
};

// `count` templates of exactly `batch_size` spans each (whole landscape traces, the last one cut
// short), timestamps spread over the minute before now. Deterministic for a seed.
std::vector<BatchTemplate> BuildBatchTemplates(std::size_t count, std::size_t batch_size,
                                               std::uint64_t seed);

// Stamps templates with fresh trace ids, round-robin over the templates. One per worker thread.
class BatchStamper {
 public:
  // `templates` must outlive the stamper.
  BatchStamper(const std::vector<BatchTemplate>& templates, tools::TraceIdSource ids,
               std::size_t first_template);

  // Prepares the next batch; valid until the next call.
  const std::string& Next();
  std::size_t spans() const { return spans_; }
  // The trace ids of the batch Next() returned.
  std::span<const trace::TraceId> trace_ids() const { return trace_ids_; }

 private:
  const std::vector<BatchTemplate>& templates_;
  tools::TraceIdSource ids_;
  std::size_t next_template_;
  std::string body_;
  std::size_t spans_ = 0;
  std::vector<trace::TraceId> trace_ids_;
};

}  // namespace cairn::bench
