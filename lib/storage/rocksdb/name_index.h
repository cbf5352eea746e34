// Name lookups (services, span names, remote services, autocomplete values) over the name keys of
// every live bucket, so names expire with the spans that carried them.
//
// Thread-safe.
#pragma once

#include <rocksdb/db.h>

#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/status.h"
#include "lib/storage/rocksdb/bucket_set.h"

namespace cairn::storage::rdb {

// The distinct rest of every name key starting with `prefix`, in Java String order (Zipkin's).
Result<std::vector<std::string>> ReadNames(rocksdb::DB* db, const std::vector<BucketPtr>& buckets,
                                           std::string_view prefix);

}  // namespace cairn::storage::rdb
