// GET /api/v2/traces over the posting lists: pick the most selective criterion of the request,
// read its postings newest minute first across every live bucket, and verify each new candidate
// trace with the shared TraceMatches (so results follow Zipkin's QueryRequest.test exactly).
//
// Order and stopping: a trace's timestamp (its root's) is at most its root's posting timestamp,
// or any other span's plus a clock-skew allowance (1 s), so once `limit` verified traces are
// newer than every bound still unread, no unread trace can displace them and the search stops.
// Candidates are verified in falling order of their bound, so a search for the newest 10 traces
// typically fetches little more than 10 traces.
//
// Known approximation: the posting scan starts `late_slack` after the window's end, so a trace
// whose root lies in the window but whose only spans carrying the searched term started more than
// `late_slack` after the window's end is not found (Zipkin's Cassandra store has no slack at all).
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
  std::int64_t skew_slack_us = 1'000'000;
};

Result<std::vector<Trace>> SearchTraces(rocksdb::DB* db, const std::vector<BucketPtr>& buckets,
                                        const QueryRequest& request, bool strict_trace_id,
                                        const SearchTuning& tuning);

}  // namespace cairn::storage::rdb
