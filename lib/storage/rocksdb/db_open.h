// Opening the store's database: checks that the directory is (or can become) a cairn store,
// opens every column family, bumps the store generation and reads back the dirty-link queue.
// Every error names the directory and says what is wrong with it: not a directory, a directory
// holding something else, a RocksDB database that is not a cairn store, an unknown store format,
// corruption, or a lock held by another process.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cairn/trace/status.h"
#include "lib/storage/rocksdb/db_options.h"

namespace cairn::storage::rdb {

inline constexpr std::string_view kStoreFormat = "cairn-rocksdb-2";

struct OpenedDb {
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* deps = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> bucket_families;
  // Batch sequence numbers of this run start here: generation << 40, so they exceed every
  // number an earlier run used.
  std::uint64_t first_seq = 0;
  // The dirty-link queue: (batch seq, lower trace ids) not yet linked.
  std::vector<std::pair<std::uint64_t, std::vector<std::uint64_t>>> dirty_queue;
};

// On error nothing stays open.
Result<OpenedDb> OpenDb(const std::string& path, const FamilyOptions& options);

// Destroys the handles and closes the database.
void CloseDb(OpenedDb& opened);

}  // namespace cairn::storage::rdb
