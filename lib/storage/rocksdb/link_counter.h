// Dependency-link counters: the value of a deps key is two signed 64-bit integers, calls and
// errors, kept as a sum of deltas by a RocksDB merge operator. The aggregator merges +n when a
// trace's links are first counted and -n when a late span changes them, so counters never need a
// read-modify-write and never double-count.
//
// Thread-safe: the operator keeps no state.
#pragma once

#include <rocksdb/merge_operator.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::storage::rdb {

struct LinkCounts {
  std::int64_t calls = 0;
  std::int64_t errors = 0;

  friend bool operator==(const LinkCounts&, const LinkCounts&) = default;
};

// 16 bytes: calls then errors, big-endian two's complement.
std::string EncodeLinkCounts(const LinkCounts& counts);
std::optional<LinkCounts> DecodeLinkCounts(std::string_view value);

// Name "cairn.LinkCounter"; a malformed operand fails the merge (RocksDB reports corruption).
std::shared_ptr<rocksdb::MergeOperator> NewLinkCounterMergeOperator();

}  // namespace cairn::storage::rdb
