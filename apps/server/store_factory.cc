#include "apps/server/store_factory.h"

#include "lib/storage/mem_span_store.h"
#include "lib/storage/rocksdb/rocksdb_span_store.h"

namespace cairn::server {

Result<std::unique_ptr<storage::SpanStore>> OpenStore(const ServerConfig& config) {
  storage::StoreOptions options;
  options.strict_trace_id = config.strict_trace_id;
  options.search_enabled = config.search_enabled;
  options.autocomplete_keys = config.autocomplete_keys;
  if (config.storage_type == StorageType::kMem) {
    return std::unique_ptr<storage::SpanStore>(
        std::make_unique<storage::MemSpanStore>(std::move(options), config.mem_max_spans));
  }
  storage::RocksDBStoreOptions rocks;
  rocks.path = config.data_dir;
  rocks.store = std::move(options);
  // CAIRN_RETENTION=0 keeps data forever: a retention longer than any data can be old.
  constexpr std::chrono::seconds kForever = std::chrono::hours(24 * 365 * 100);
  const auto retention = std::chrono::duration_cast<std::chrono::seconds>(config.retention);
  rocks.retention = retention.count() == 0 ? kForever : retention;
  // A retention under a second would be 0 here, which the store refuses; keep at least 1 s.
  if (retention.count() == 0 && config.retention.count() > 0)
    rocks.retention = std::chrono::seconds(1);
  Result<std::unique_ptr<storage::RocksDBSpanStore>> store =
      storage::RocksDBSpanStore::Open(std::move(rocks));
  if (!store.ok()) return store.status();
  return std::unique_ptr<storage::SpanStore>(std::move(store).value());
}

}  // namespace cairn::server
