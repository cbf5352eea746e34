// TestHeaders: an in-memory carrier for tests of anything that extracts or injects trace context.
//
// An ordered multi-map of header lines with HTTP semantics: names compare ASCII case-insensitively,
// a name may repeat (Add), Set replaces every line of that name in place of the first one, and Get
// returns values in insertion order. Names keep the spelling they were stored with, so a test can
// check that an injector writes lower-case names. Not thread-safe; views handed out by Get stay
// valid until the next mutation.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/trace/propagation.h"

namespace cairn::trace::testing {

class TestHeaders final : public HeaderReader, public HeaderWriter {
 public:
  using Entry = std::pair<std::string, std::string>;

  TestHeaders() = default;
  // Lines in order; repeated names become repeated lines: {{"b3", "1"}, {"X-B3-Flags", "1"}}.
  TestHeaders(std::initializer_list<std::pair<std::string_view, std::string_view>> lines) {
    for (const auto& [name, value] : lines) Add(name, value);
  }

  // Appends a line even when the name is already present (a repeated header).
  void Add(std::string_view name, std::string_view value) {
    entries_.emplace_back(std::string(name), std::string(value));
  }

  // HeaderWriter: replaces every line named `name`; the value takes the first one's position.
  void Set(std::string_view name, std::string_view value) override {
    ++set_calls_;
    bool replaced = false;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (!NameEquals(it->first, name)) {
        ++it;
      } else if (!replaced) {
        it->first.assign(name);
        it->second.assign(value);
        replaced = true;
        ++it;
      } else {
        it = entries_.erase(it);
      }
    }
    if (!replaced) Add(name, value);
  }

  // HeaderReader
  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override {
    std::size_t count = 0;
    for (const auto& [entry_name, value] : entries_) {
      if (!NameEquals(entry_name, name)) continue;
      if (count < max) values[count] = value;
      ++count;
    }
    return count;
  }

  // The first value of `name`, if any.
  std::optional<std::string> Value(std::string_view name) const {
    for (const auto& [entry_name, value] : entries_) {
      if (NameEquals(entry_name, name)) return value;
    }
    return std::nullopt;
  }
  bool Contains(std::string_view name) const { return Count(name) > 0; }
  std::size_t Count(std::string_view name) const { return Get(name, nullptr, 0); }

  void Remove(std::string_view name) {
    std::erase_if(entries_, [&](const Entry& entry) { return NameEquals(entry.first, name); });
  }
  void Clear() { entries_.clear(); }

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  // How many times Set was called (to check that an injector writes nothing).
  std::size_t set_calls() const { return set_calls_; }

  static bool NameEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (Lower(a[i]) != Lower(b[i])) return false;
    }
    return true;
  }

 private:
  static char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

  std::vector<Entry> entries_;
  std::size_t set_calls_ = 0;
};

}  // namespace cairn::trace::testing
