// Time buckets: the span and index data of the RocksDB store live in a pair of column families
// per ingest-time interval (default one day). Retention drops whole pairs once their interval is
// older than the retention period: dropping a column family deletes its files without writing
// tombstones or compacting anything, so expiry costs nothing while ingest goes on.
//
// Thread-safe. Writers hold a WriteLease for the duration of their write: a bucket is never
// dropped while a lease on it is held. Readers take Live() and may keep reading a bucket that is
// dropped meanwhile (RocksDB keeps a dropped family readable until its handle is destroyed, which
// happens when the last shared_ptr to the Bucket goes away).
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "cairn/trace/status.h"
#include "lib/storage/rocksdb/db_options.h"

namespace cairn::storage::rdb {

class Bucket {
 public:
  Bucket(rocksdb::DB* db, std::int64_t start_s, std::int64_t length_s,
         rocksdb::ColumnFamilyHandle* spans, rocksdb::ColumnFamilyHandle* index);
  ~Bucket();
  Bucket(const Bucket&) = delete;
  Bucket& operator=(const Bucket&) = delete;

  std::int64_t start_s() const { return start_s_; }
  std::int64_t end_s() const { return start_s_ + length_s_; }
  rocksdb::ColumnFamilyHandle* spans() const { return spans_; }
  rocksdb::ColumnFamilyHandle* index() const { return index_; }

  // Name keys this process has already written into the bucket, so each is written once per
  // bucket rather than once per span. Bounded: cleared when it grows past a limit (re-writing a
  // name key is harmless).
  std::unique_lock<std::mutex> LockNames() { return std::unique_lock(names_mutex_); }
  std::unordered_set<std::string>& written_names() { return written_names_; }

 private:
  rocksdb::DB* db_;
  std::int64_t start_s_;
  std::int64_t length_s_;
  rocksdb::ColumnFamilyHandle* spans_;
  rocksdb::ColumnFamilyHandle* index_;
  std::mutex names_mutex_;
  std::unordered_set<std::string> written_names_;
};

using BucketPtr = std::shared_ptr<Bucket>;

class BucketSet {
 public:
  BucketSet(rocksdb::DB* db, const FamilyOptions* options, std::int64_t bucket_length_s);

  // Adopts the bucket families opened with the database (pairs by name; an unpaired family is an
  // error, since its partner's data would be unreachable).
  Status Adopt(const std::vector<rocksdb::ColumnFamilyHandle*>& handles);

  struct WriteLease {
    std::shared_lock<std::shared_mutex> lock;
    BucketPtr bucket;
  };
  // The bucket for ingest at `now_us` (created when missing), leased until the lease is dropped.
  Result<WriteLease> LeaseForWrite(std::int64_t now_us);

  // Every live bucket, newest first.
  std::vector<BucketPtr> Live() const;

  // Drops every bucket whose interval ended at or before `cutoff_us` (whole seconds). Returns how
  // many.
  Result<int> DropEndedBefore(std::int64_t cutoff_us);

  // Releases every bucket (before the database closes).
  void Clear();

 private:
  Result<BucketPtr> Create(std::int64_t now_s);

  rocksdb::DB* db_;
  const FamilyOptions* options_;
  const std::int64_t bucket_length_s_;
  // Shared by writers during their write, exclusive to create and drop buckets.
  mutable std::shared_mutex lifecycle_;
  mutable std::mutex map_mutex_;               // guards buckets_ for readers
  std::map<std::int64_t, BucketPtr> buckets_;  // by start
};

}  // namespace cairn::storage::rdb
