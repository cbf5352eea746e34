// PathPattern: Ant-style path patterns as Zuul and Spring's AntPathMatcher write them.
//
//   /accounts/*        one segment ("/accounts/7", not "/accounts/7/x" nor "/accounts")
//   /accounts/**       any number of segments, including none ("/accounts", "/accounts/7/x")
//   /accounts/{id}     one non-empty segment, named (the name is for humans: span names, logs)
//   /files/*.jpg       '*' and '?' also match within a segment ('?': one character)
//   /a/**/z            '**' may stand anywhere as a whole segment
//
// Matching is on the raw (still percent-encoded) request path, case-sensitive, segment by segment;
// empty segments ("//") are kept, so "/a//b" does not match "/a/b". A trailing slash is a segment
// of its own except where "**" absorbs it ("/accounts/" matches "/accounts/**" and "/accounts/*"
// does not match it).
//
// Immutable after Parse; Match is const, thread-safe, allocates nothing and takes time linear in
// pattern segments x path segments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/base/status.h"

namespace cairn::edge {

class PathPattern {
 public:
  // InvalidArgument for a pattern that does not start with '/', holds '**' inside a segment
  // ("/a**"), an unterminated or empty "{}", a '{name}' mixed with other text in one segment, or
  // characters outside the URI path set.
  static Result<PathPattern> Parse(std::string_view pattern);

  bool Match(std::string_view path) const;

  const std::string& text() const { return text_; }
  // The literal segments before the first wildcard or parameter: "/accounts" for
  // "/accounts/{id}" and "/accounts/**", "" for "/**", the whole pattern when it has no wildcard.
  const std::string& static_prefix() const { return static_prefix_; }

 private:
  enum class Kind { kLiteral, kGlob, kParam, kAny };  // kAny: "**"
  struct Segment {
    Kind kind;
    std::string text;  // literal text or glob
  };

  static bool MatchSegment(const Segment& s, std::string_view part);
  static bool GlobMatch(std::string_view glob, std::string_view text);

  std::string text_;
  std::string static_prefix_;
  std::vector<Segment> segments_;
};

}  // namespace cairn::edge
