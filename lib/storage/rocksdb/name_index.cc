#include "lib/storage/rocksdb/name_index.h"

#include <algorithm>
#include <memory>
#include <set>

#include "lib/codec/text.h"
#include "lib/storage/rocksdb/keys.h"

namespace cairn::storage::rdb {

Result<std::vector<std::string>> ReadNames(rocksdb::DB* db, const std::vector<BucketPtr>& buckets,
                                           std::string_view prefix) {
  std::set<std::string, std::less<>> names;
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ManagedSnapshot snapshot(db);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  options.iterate_upper_bound = upper.empty() ? nullptr : &upper_slice;
  for (const BucketPtr& bucket : buckets) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, bucket->index()));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      std::string_view key = it->key().ToStringView();
      if (!key.starts_with(prefix)) break;
      key.remove_prefix(prefix.size());
      if (!names.contains(key)) names.emplace(key);
    }
    if (!it->status().ok()) {
      return Unavailable("reading names from " + bucket->index()->GetName() + ": " +
                         it->status().ToString());
    }
  }
  std::vector<std::string> sorted(names.begin(), names.end());
  std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
    return codec::CompareUtf16(a, b) < 0;
  });
  return sorted;
}

}  // namespace cairn::storage::rdb
