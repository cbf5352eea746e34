// RocksDB tuning for cairn's store on small machines (2 cores, a few GB of RAM): what each column
// family holds decides its options. Reads never wait on compaction (LSM reads see memtables and
// files as they are), so the tuning's job is to keep writes from stalling: two background jobs,
// level compaction with dynamic level sizes, generous L0 triggers, a WAL size cap so rarely
// written families do not pin old WAL files, and a shared block cache.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/options.h>

#include <cstddef>
#include <memory>

namespace cairn::storage::rdb {

struct Tuning {
  std::size_t block_cache_bytes = 64 << 20;
  // Memtable size of the current bucket's span family; the index family gets half.
  std::size_t write_buffer_bytes = 32 << 20;
};

class FamilyOptions {
 public:
  explicit FamilyOptions(const Tuning& tuning);

  rocksdb::DBOptions Db() const;
  // Span groups keyed by trace id: 8-byte prefix bloom filters make a trace lookup in a bucket
  // that does not hold it cost a filter probe per file.
  rocksdb::ColumnFamilyOptions Spans() const;
  // Posting groups, names and link contributions: whole-key bloom filters for point lookups.
  rocksdb::ColumnFamilyOptions Index() const;
  // Link counters with their merge operator.
  rocksdb::ColumnFamilyOptions Deps() const;
  // Metadata and the dirty-trace queue.
  rocksdb::ColumnFamilyOptions Default() const;

 private:
  rocksdb::ColumnFamilyOptions Base(std::size_t write_buffer_bytes, bool prefix_bloom) const;

  Tuning tuning_;
  std::shared_ptr<rocksdb::Cache> cache_;
};

}  // namespace cairn::storage::rdb
