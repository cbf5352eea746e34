#include "lib/storage/rocksdb/link_counter.h"

#include "lib/storage/rocksdb/coding.h"

namespace cairn::storage::rdb {
namespace {

class LinkCounterMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    LinkCounts sum;
    if (existing_value != nullptr) {
      std::optional<LinkCounts> existing = DecodeLinkCounts(existing_value->ToStringView());
      if (!existing) return false;
      sum = *existing;
    }
    std::optional<LinkCounts> delta = DecodeLinkCounts(value.ToStringView());
    if (!delta) return false;
    // Wrapping arithmetic: counters cannot realistically overflow, and wrapping keeps a +n/-n
    // pair exact even if they did.
    sum.calls = static_cast<std::int64_t>(static_cast<std::uint64_t>(sum.calls) +
                                          static_cast<std::uint64_t>(delta->calls));
    sum.errors = static_cast<std::int64_t>(static_cast<std::uint64_t>(sum.errors) +
                                           static_cast<std::uint64_t>(delta->errors));
    *new_value = EncodeLinkCounts(sum);
    return true;
  }

  const char* Name() const override { return "cairn.LinkCounter"; }
};

}  // namespace

std::string EncodeLinkCounts(const LinkCounts& counts) {
  std::string value;
  value.reserve(16);
  PutFixed64BE(value, static_cast<std::uint64_t>(counts.calls));
  PutFixed64BE(value, static_cast<std::uint64_t>(counts.errors));
  return value;
}

std::optional<LinkCounts> DecodeLinkCounts(std::string_view value) {
  if (value.size() != 16) return std::nullopt;
  return LinkCounts{static_cast<std::int64_t>(DecodeFixed64BE(value.data())),
                    static_cast<std::int64_t>(DecodeFixed64BE(value.data() + 8))};
}

std::shared_ptr<rocksdb::MergeOperator> NewLinkCounterMergeOperator() {
  return std::make_shared<LinkCounterMergeOperator>();
}

}  // namespace cairn::storage::rdb
