#include "lib/storage/rocksdb/db_options.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include "lib/storage/rocksdb/keys.h"
#include "lib/storage/rocksdb/link_counter.h"

namespace cairn::storage::rdb {
namespace {

// Posting keys of one term and slot differ only in their trailing batch sequence number, which
// grows: with this prefix (the key without the sequence number) as the memtable's insert hint,
// each batch's posting group lands right after the previous batch's in O(1) instead of a full
// skiplist search, which is most of what indexing costs a write.
class PostingInsertHint final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "cairn.PostingInsertHint"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    if (key.size() < 3 + 12) return false;
    switch (static_cast<PostingType>(key[0])) {
      case PostingType::kAll:
      case PostingType::kService:
      case PostingType::kSpanName:
      case PostingType::kRemote:
      case PostingType::kTagKey:
      case PostingType::kAnnotation:
        break;
      default:
        return false;
    }
    const std::size_t term_size =
        (static_cast<unsigned char>(key[1]) << 8) | static_cast<unsigned char>(key[2]);
    const std::size_t partition = static_cast<PostingType>(key[0]) == PostingType::kTagKey;
    return key.size() == 3 + term_size + partition + 12;
  }
};

}  // namespace

FamilyOptions::FamilyOptions(const Tuning& tuning)
    : tuning_(tuning), cache_(rocksdb::NewLRUCache(tuning.block_cache_bytes)) {}

rocksdb::DBOptions FamilyOptions::Db() const {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 2;
  options.max_subcompactions = 1;
  // Concurrent Accept calls are grouped into one WAL write; pipelining lets the next group write
  // the WAL while the previous one inserts into memtables.
  options.enable_pipelined_write = true;
  // The span families' hash memtable needs one writer at a time; writes are grouped anyway.
  options.allow_concurrent_memtable_write = false;
  // Families other than the current bucket's are written rarely; without a cap they would keep
  // every WAL file alive until they flush.
  options.max_total_wal_size = 4 * tuning_.write_buffer_bytes;
  // All memtables together: a bucket rollover briefly has two buckets' memtables.
  options.db_write_buffer_size = 8 * tuning_.write_buffer_bytes;
  options.bytes_per_sync = 1 << 20;
  options.wal_bytes_per_sync = 1 << 20;
  options.keep_log_file_num = 3;
  options.max_log_file_size = 8 << 20;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  options.max_file_opening_threads = 2;
  return options;
}

rocksdb::ColumnFamilyOptions FamilyOptions::Base(std::size_t write_buffer_bytes,
                                                 bool prefix_bloom) const {
  rocksdb::ColumnFamilyOptions options;
  options.write_buffer_size = write_buffer_bytes;
  options.max_write_buffer_number = 4;
  options.min_write_buffer_number_to_merge = 1;
  options.compaction_style = rocksdb::kCompactionStyleLevel;
  options.level_compaction_dynamic_level_bytes = true;
  options.target_file_size_base = 64 << 20;
  options.max_bytes_for_level_base = 256 << 20;
  // Slow down late rather than stop: with two background threads a burst can pile up L0 files.
  options.level0_file_num_compaction_trigger = 4;
  options.level0_slowdown_writes_trigger = 30;
  options.level0_stop_writes_trigger = 48;
  options.soft_pending_compaction_bytes_limit = 64ull << 30;
  options.hard_pending_compaction_bytes_limit = 256ull << 30;
  // No compression for flushes (L0): every byte ingested is flushed once, and L0 files live only
  // until the next compaction, so compressing them costs a sixth of the ingest CPU for nothing.
  // LZ4 below: zstd packs JSON tighter but would cost about half a core at the ingest rates this
  // store is built for. (With dynamic level sizes, entry 1 is the base level, whichever it is.)
  options.compression = rocksdb::kLZ4Compression;
  options.compression_per_level.assign(options.num_levels, rocksdb::kLZ4Compression);
  options.compression_per_level[0] = rocksdb::kNoCompression;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache_;
  table.block_size = 16 << 10;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = !prefix_bloom;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.format_version = 5;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (prefix_bloom) {
    options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kSpanPrefixSize));
  }
  return options;
}

rocksdb::ColumnFamilyOptions FamilyOptions::Spans() const {
  rocksdb::ColumnFamilyOptions options = Base(tuning_.write_buffer_bytes, /*prefix_bloom=*/true);
  // Span-group keys start with a random trace id, so each insert into one big skiplist is a full
  // search; a hash of small skiplists by trace id makes it a hash probe. Span families are only
  // ever read by trace-id prefix, which is all this memtable supports cheaply.
  options.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 16));
  return options;
}

rocksdb::ColumnFamilyOptions FamilyOptions::Index() const {
  rocksdb::ColumnFamilyOptions options = Base(tuning_.write_buffer_bytes / 2, false);
  options.memtable_insert_with_hint_prefix_extractor = std::make_shared<PostingInsertHint>();
  // Postings (binary ids, hashes, varints) shrink little under LZ4, and a search decodes many of
  // them: decompressing their blocks cost twice as much as parsing them, and compressing them
  // is compaction CPU taken from ingest.
  options.compression = rocksdb::kNoCompression;
  options.compression_per_level.clear();
  return options;
}

rocksdb::ColumnFamilyOptions FamilyOptions::Deps() const {
  rocksdb::ColumnFamilyOptions options = Base(4 << 20, /*prefix_bloom=*/false);
  options.merge_operator = NewLinkCounterMergeOperator();
  return options;
}

rocksdb::ColumnFamilyOptions FamilyOptions::Default() const {
  return Base(4 << 20, /*prefix_bloom=*/false);
}

}  // namespace cairn::storage::rdb
