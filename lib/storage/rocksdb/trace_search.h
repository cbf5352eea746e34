// GET /api/v2/traces over the posting lists: pick the most selective criterion of the request,
// read its postings newest slot first across every live bucket, and verify each new candidate
// trace with the shared TraceMatches (so results follow Zipkin's QueryRequest.test exactly).
//
// Order and stopping: every posting bounds its trace's timestamp from above, and postings are
// filed in ten-second slots by that bound (postings.h). Within a slot, candidates are verified in
// falling order of their bound; once `limit` verified traces are newer than the next bound (or
// than the end of the next unread slot), no unread trace can displace them and the search stops.
// So a search for the newest 10 traces reads about ten seconds' postings of its term (for
// key=value, of the value's partition), however many traces the window holds.
//
// Known approximation: the posting scan starts `late_slack` after the window's end, so a trace
// whose root lies in the window but whose only spans carrying the searched term were written
// without the root, and started more than `late_slack` after the window's end, is not found
// (Zipkin's Cassandra store has no slack at all).
//
// Thread-safe: every call reads at its own snapshot.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <vector>

#include "cairn/trace/status.h"
#include "lib/storage/rocksdb/bucket_set.h"
#include "lib/storage/span_store.h"

namespace cairn::storage::rdb {

struct SearchTuning {
  std::int64_t late_slack_us = 15 * 60'000'000LL;
};

Result<std::vector<Trace>> SearchTraces(rocksdb::DB* db, const std::vector<BucketPtr>& buckets,
                                        const QueryRequest& request, bool strict_trace_id,
                                        const SearchTuning& tuning);

}  // namespace cairn::storage::rdb
