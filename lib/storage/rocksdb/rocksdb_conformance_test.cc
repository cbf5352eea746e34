// The shared SpanStore conformance suite, run against the RocksDB store (persistent: the restart
// tests run too). Dependencies are linked on demand before each GetDependencies, as Zipkin's
// ITDependencies does for stores that aggregate links offline.
#include "lib/storage/rocksdb/rocksdb_span_store.h"
#include "lib/storage/rocksdb/rocksdb_test_util.h"
#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage::testing {
namespace {

StoreFactory RocksFactory() {
  return {"Rocks",
          [](const StoreOptions& options, trace::Clock& clock,
             const std::string& dir) -> Result<std::unique_ptr<SpanStore>> {
            Result<std::unique_ptr<RocksDBSpanStore>> store =
                RocksDBSpanStore::Open(TestStoreOptions(dir, options, clock));
            if (!store.ok()) return store.status();
            return std::unique_ptr<SpanStore>(
                std::make_unique<LinkBeforeReadStore>(std::move(store).value()));
          },
          /*persistent=*/true};
}

INSTANTIATE_TEST_SUITE_P(Rocks, SpanStoreConformanceTest, ::testing::Values(RocksFactory()),
                         StoreFactoryName);

}  // namespace
}  // namespace cairn::storage::testing
