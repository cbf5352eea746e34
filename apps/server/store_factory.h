// Opens the SpanStore that STORAGE_TYPE names: MemSpanStore (mem) or RocksDBSpanStore (rocksdb,
// in CAIRN_DATA_DIR, with CAIRN_RETENTION), both with STRICT_TRACE_ID, SEARCH_ENABLED and
// AUTOCOMPLETE_KEYS.
#pragma once

#include <memory>

#include "apps/server/server_config.h"
#include "lib/base/status.h"
#include "lib/storage/span_store.h"

namespace cairn::server {

// Errors are the store's (they name the data directory).
Result<std::unique_ptr<storage::SpanStore>> OpenStore(const ServerConfig& config);

}  // namespace cairn::server
