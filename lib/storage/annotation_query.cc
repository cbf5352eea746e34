#include "lib/storage/annotation_query.h"

#include <cstddef>
#include <optional>

namespace cairn::storage {
namespace {

constexpr std::string_view kSeparator = " and ";
constexpr std::size_t kMaxPieces = 100;  // String.split(" and ", 100)

// java.lang.String.trim: strips leading and trailing characters <= ' '.
std::string_view JavaTrim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && static_cast<unsigned char>(text[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(text[end - 1]) <= ' ') --end;
  return text.substr(begin, end - begin);
}

// String.split(" and ", 100): a literal separator, a positive limit (trailing empty pieces kept).
std::vector<std::string_view> SplitPieces(std::string_view text) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  while (pieces.size() + 1 < kMaxPieces) {
    std::size_t found = text.find(kSeparator, start);
    if (found == std::string_view::npos) break;
    pieces.push_back(text.substr(start, found - start));
    start = found + kSeparator.size();
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

QueryRequest::Term* FindTerm(std::vector<QueryRequest::Term>& terms, std::string_view key) {
  for (QueryRequest::Term& term : terms) {
    if (term.key == key) return &term;
  }
  return nullptr;
}

}  // namespace

std::vector<QueryRequest::Term> ParseAnnotationQuery(std::string_view text) {
  std::vector<QueryRequest::Term> terms;
  if (text.empty()) return terms;
  for (std::string_view piece : SplitPieces(text)) {
    std::size_t equals = piece.find('=');
    if (equals == std::string_view::npos) {
      std::string_view key = JavaTrim(piece);
      if (FindTerm(terms, key) == nullptr) terms.push_back({std::string(key), std::nullopt});
      continue;
    }
    std::string_view key = JavaTrim(piece.substr(0, equals));
    std::string_view value = JavaTrim(piece.substr(equals + 1));
    std::optional<std::string> term_value;
    if (!value.empty()) term_value.emplace(value);
    if (QueryRequest::Term* existing = FindTerm(terms, key)) {
      existing->value = std::move(term_value);
    } else {
      terms.push_back({std::string(key), std::move(term_value)});
    }
  }
  return terms;
}

std::string FormatAnnotationQuery(const std::vector<QueryRequest::Term>& terms) {
  std::string out;
  for (const QueryRequest::Term& term : terms) {
    if (term.key.empty()) continue;
    if (!out.empty()) out.append(kSeparator);
    out.append(term.key);
    if (term.value.has_value() && !term.value->empty()) {
      out.push_back('=');
      out.append(*term.value);
    }
  }
  return out;
}

}  // namespace cairn::storage
