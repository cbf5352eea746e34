#include "lib/trace_amqp/amqp_headers.h"

namespace cairn::trace_amqp {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

bool NameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view View(const amqp_bytes_t& bytes) {
  if (bytes.len == 0 || bytes.bytes == nullptr) return {};
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

amqp_bytes_t Bytes(const std::string& text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

}  // namespace

std::size_t AmqpTableReader::Get(std::string_view name, std::string_view* values,
                                 std::size_t max) const {
  if (table_.num_entries <= 0 || table_.entries == nullptr) return 0;
  std::size_t count = 0;
  for (int i = 0; i < table_.num_entries; ++i) {
    const amqp_table_entry_t& entry = table_.entries[i];
    if (!NameEquals(View(entry.key), name)) continue;
    const std::uint8_t kind = entry.value.kind;
    if (kind != AMQP_FIELD_KIND_UTF8 && kind != AMQP_FIELD_KIND_BYTES) continue;
    if (count < max) values[count] = View(entry.value.value.bytes);
    ++count;
  }
  return count;
}

void MessageHeaders::Set(std::string_view name, std::string_view value) {
  if (name.empty() || name.size() > kMaxHeaderNameBytes) return;
  for (auto& [entry_name, entry_value] : entries_) {
    if (NameEquals(entry_name, name)) {
      entry_name.assign(name);
      entry_value.assign(value);
      return;
    }
  }
  entries_.emplace_back(std::string(name), std::string(value));
}

std::size_t MessageHeaders::ByteSize() const {
  std::size_t total = 0;
  for (const auto& [name, value] : entries_) total += name.size() + value.size();
  return total;
}

amqp_table_t MessageHeaders::AsTable() {
  table_entries_.resize(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    amqp_table_entry_t& entry = table_entries_[i];
    entry.key = Bytes(entries_[i].first);
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = Bytes(entries_[i].second);
  }
  amqp_table_t table;
  table.num_entries = static_cast<int>(table_entries_.size());
  table.entries = table_entries_.empty() ? nullptr : table_entries_.data();
  return table;
}

}  // namespace cairn::trace_amqp
