#include "lib/storage/rocksdb/bucket_set.h"

#include <algorithm>
#include <utility>

#include "lib/storage/rocksdb/keys.h"

namespace cairn::storage::rdb {
namespace {

std::int64_t FloorDiv(std::int64_t value, std::int64_t divisor) {
  std::int64_t quotient = value / divisor;
  if (value % divisor != 0 && value < 0) --quotient;
  return quotient;
}

}  // namespace

Bucket::Bucket(rocksdb::DB* db, std::int64_t start_s, std::int64_t length_s,
               rocksdb::ColumnFamilyHandle* spans, rocksdb::ColumnFamilyHandle* index)
    : db_(db), start_s_(start_s), length_s_(length_s), spans_(spans), index_(index) {}

Bucket::~Bucket() {
  // Destroying a handle cannot meaningfully fail; a dropped family's files go with the last one.
  (void)db_->DestroyColumnFamilyHandle(spans_);
  (void)db_->DestroyColumnFamilyHandle(index_);
}

BucketSet::BucketSet(rocksdb::DB* db, const FamilyOptions* options, std::int64_t bucket_length_s)
    : db_(db), options_(options), bucket_length_s_(bucket_length_s) {}

Status BucketSet::Adopt(const std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
  struct Pair {
    std::int64_t length_s = 0;
    rocksdb::ColumnFamilyHandle* spans = nullptr;
    rocksdb::ColumnFamilyHandle* index = nullptr;
  };
  std::map<std::int64_t, Pair> pairs;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    std::optional<BucketFamilyNameParts> parts = ParseBucketFamilyName(handle->GetName());
    if (!parts) continue;
    Pair& pair = pairs[parts->start_s];
    pair.length_s = parts->length_s;
    (parts->family == BucketFamily::kSpans ? pair.spans : pair.index) = handle;
  }
  std::lock_guard<std::mutex> lock(map_mutex_);
  for (auto& [start_s, pair] : pairs) {
    // A crash between creating a bucket's two families leaves one alone: create its partner.
    for (auto [family, handle] : {std::pair{BucketFamily::kSpans, &pair.spans},
                                  std::pair{BucketFamily::kIndex, &pair.index}}) {
      if (*handle != nullptr) continue;
      rocksdb::Status status = db_->CreateColumnFamily(
          family == BucketFamily::kSpans ? options_->Spans() : options_->Index(),
          BucketFamilyName(family, start_s, pair.length_s), handle);
      if (!status.ok()) {
        return Unavailable("cannot create column family " +
                           BucketFamilyName(family, start_s, pair.length_s) + ": " +
                           status.ToString());
      }
    }
    buckets_[start_s] =
        std::make_shared<Bucket>(db_, start_s, pair.length_s, pair.spans, pair.index);
  }
  return Status::Ok();
}

Result<BucketSet::WriteLease> BucketSet::LeaseForWrite(std::int64_t now_us) {
  const std::int64_t now_s = std::max<std::int64_t>(0, FloorDiv(now_us, 1'000'000));
  for (;;) {
    std::shared_lock<std::shared_mutex> shared(lifecycle_);
    {
      std::lock_guard<std::mutex> lock(map_mutex_);
      auto it = buckets_.upper_bound(now_s);
      if (it != buckets_.begin() && std::prev(it)->second->end_s() > now_s) {
        return WriteLease{std::move(shared), std::prev(it)->second};
      }
    }
    shared.unlock();
    std::unique_lock<std::shared_mutex> exclusive(lifecycle_);
    Result<BucketPtr> created = Create(now_s);
    if (!created.ok()) return created.status();
  }
}

Result<BucketPtr> BucketSet::Create(std::int64_t now_s) {
  std::lock_guard<std::mutex> lock(map_mutex_);
  std::int64_t start = now_s - now_s % bucket_length_s_;
  std::int64_t end = start + bucket_length_s_;
  // Buckets made with another length (an earlier configuration) must not overlap the new one.
  for (const auto& [other_start, other] : buckets_) {
    if (other_start <= now_s && other->end_s() > now_s) return other;  // created meanwhile
    if (other->end_s() <= now_s) start = std::max(start, other->end_s());
    if (other_start > now_s) end = std::min(end, other_start);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {BucketFamilyName(BucketFamily::kSpans, start, end - start), options_->Spans()},
      {BucketFamilyName(BucketFamily::kIndex, start, end - start), options_->Index()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status status = db_->CreateColumnFamilies(descriptors, &handles);
  if (!status.ok()) {
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      (void)db_->DropColumnFamily(handle);
      (void)db_->DestroyColumnFamilyHandle(handle);
    }
    return Unavailable("cannot create column families " + descriptors[0].name + ": " +
                       status.ToString());
  }
  auto bucket = std::make_shared<Bucket>(db_, start, end - start, handles[0], handles[1]);
  buckets_[start] = bucket;
  return bucket;
}

std::vector<BucketPtr> BucketSet::Live() const {
  std::vector<BucketPtr> live;
  std::lock_guard<std::mutex> lock(map_mutex_);
  live.reserve(buckets_.size());
  for (auto it = buckets_.rbegin(); it != buckets_.rend(); ++it) live.push_back(it->second);
  return live;
}

Result<int> BucketSet::DropEndedBefore(std::int64_t cutoff_us) {
  std::unique_lock<std::shared_mutex> exclusive(lifecycle_);
  std::vector<BucketPtr> expired;
  {
    std::lock_guard<std::mutex> lock(map_mutex_);
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      if (it->second->end_s() <= FloorDiv(cutoff_us, 1'000'000)) {
        expired.push_back(it->second);
        it = buckets_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const BucketPtr& bucket : expired) {
    rocksdb::Status status = db_->DropColumnFamilies({bucket->spans(), bucket->index()});
    if (!status.ok()) {
      return Unavailable("cannot drop expired bucket " +
                         BucketFamilyName(BucketFamily::kSpans, bucket->start_s(),
                                          bucket->end_s() - bucket->start_s()) +
                         ": " + status.ToString());
    }
  }
  return static_cast<int>(expired.size());
}

void BucketSet::Clear() {
  std::unique_lock<std::shared_mutex> exclusive(lifecycle_);
  std::lock_guard<std::mutex> lock(map_mutex_);
  buckets_.clear();
}

}  // namespace cairn::storage::rdb
