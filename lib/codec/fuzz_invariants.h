// Fuzzer-only: properties every successfully decoded span must have, checked by the *_fuzzer.cc
// entry points so a fuzzer finds logic bugs as well as crashes (a violation traps).
#pragma once

#include <cstdlib>
#include <string_view>

#include "lib/codec/decode_options.h"
#include "lib/codec/text.h"
#include "lib/model/utf8.h"

namespace cairn::codec::fuzzing {

inline void Require(bool condition) {
  if (!condition) __builtin_trap();
}

inline void CheckText(std::string_view text) { Require(model::IsValidUtf8(text)); }

inline void CheckSpans(const SpanList& spans) {
  for (const auto& span : spans) {
    Require(span != nullptr);
    Require(span->trace_id.IsValid());
    Require(span->id != 0);
    Require(span->parent_id != span->id);
    Require(span->timestamp_us >= 0 && span->duration_us >= 0);
    Require(!(span->shared && span->kind == trace::SpanKind::kClient));
    constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    Require(span->name.find_first_of(kUpper) == std::string_view::npos);
    Require(span->local_endpoint.service_name.find_first_of(kUpper) == std::string_view::npos);
    Require(span->remote_endpoint.service_name.find_first_of(kUpper) == std::string_view::npos);
    const auto& tags = span->tags();
    for (std::size_t i = 1; i < tags.size(); ++i)
      Require(CompareUtf16(tags[i - 1].key, tags[i].key) < 0);
    const auto& annotations = span->annotations();
    for (std::size_t i = 1; i < annotations.size(); ++i) {
      const auto& a = annotations[i - 1];
      const auto& b = annotations[i];
      Require(a.timestamp_us < b.timestamp_us ||
              (a.timestamp_us == b.timestamp_us && CompareUtf16(a.value, b.value) < 0));
    }
    CheckText(span->name);
    for (const auto& tag : tags) {
      CheckText(tag.key);
      CheckText(tag.value);
    }
    for (const auto& annotation : annotations) CheckText(annotation.value);
    CheckText(span->local_endpoint.service_name);
    CheckText(span->remote_endpoint.service_name);
  }
}

}  // namespace cairn::codec::fuzzing
