#include "apps/edge/path_pattern.h"

namespace cairn::edge {

namespace {

// RFC 3986 pchar plus '/', and the pattern characters '*', '?', '{', '}'.
bool IsPatternChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':
    case '%':
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
    case '/':
    case '*':
    case '?':
    case '{':
    case '}':
      return true;
    default:
      return false;
  }
}

// Splits "/a/b" into "a", "b"; "/" gives one empty segment.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

Result<PathPattern> PathPattern::Parse(std::string_view pattern) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("path pattern '" + std::string(pattern) + "': " + std::string(why));
  };
  if (pattern.empty() || pattern.front() != '/') return bad("must start with '/'");
  for (char c : pattern) {
    if (!IsPatternChar(c)) return bad("has a character not allowed in a URL path");
  }
  PathPattern p;
  p.text_ = std::string(pattern);
  bool static_part = true;
  for (std::string_view seg : Split(pattern)) {
    Segment s;
    if (seg == "**") {
      s.kind = Kind::kAny;
    } else if (seg.find("**") != std::string_view::npos) {
      return bad("'**' must be a whole segment");
    } else if (!seg.empty() && seg.front() == '{') {
      if (seg.back() != '}' || seg.size() < 3) return bad("'{name}' must be a whole segment");
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (name.find_first_of("{}*?") != std::string_view::npos) return bad("bad parameter name");
      s.kind = Kind::kParam;
      s.text = std::string(name);
    } else if (seg.find_first_of("{}") != std::string_view::npos) {
      return bad("'{name}' must be a whole segment");
    } else if (seg.find_first_of("*?") != std::string_view::npos) {
      s.kind = Kind::kGlob;
      s.text = std::string(seg);
    } else {
      s.kind = Kind::kLiteral;
      s.text = std::string(seg);
    }
    if (s.kind != Kind::kLiteral) static_part = false;
    if (static_part) {
      p.static_prefix_ += '/';
      p.static_prefix_ += s.text;
    }
    p.segments_.push_back(std::move(s));
  }
  return p;
}

bool PathPattern::GlobMatch(std::string_view glob, std::string_view text) {
  // Iterative wildcard matching with one backtrack point ('*' never spans a '/').
  std::size_t g = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (g < glob.size() && (glob[g] == '?' || glob[g] == text[t])) {
      ++g;
      ++t;
    } else if (g < glob.size() && glob[g] == '*') {
      star = g++;
      mark = t;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

bool PathPattern::MatchSegment(const Segment& s, std::string_view part) {
  switch (s.kind) {
    case Kind::kLiteral:
      return part == s.text;
    case Kind::kParam:
      return !part.empty();
    case Kind::kGlob:
      return !part.empty() && GlobMatch(s.text, part);
    case Kind::kAny:
      break;
  }
  return false;
}

// Wildcard matching over segments with one backtrack point, as for '*' in globs: every segment
// matcher takes exactly one path segment and "**" any run of them, so retrying only from the last
// "**" is enough, and matching takes O(pattern segments x path segments) time without recursion.
bool PathPattern::Match(std::string_view path) const {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  const std::size_t n = path.size();
  const std::size_t count = segments_.size();
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t pi = 0;        // next pattern segment
  std::size_t pos = 0;       // start of the next path segment; n + 1 once all are consumed
  std::size_t star = kNone;  // pattern index of the last "**" seen
  std::size_t star_pos = 0;  // path position that "**" has been given up to
  while (pos <= n) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = n;
    if (pi < count && segments_[pi].kind == Kind::kAny) {
      star = pi++;
      star_pos = pos;
    } else if (pi < count && MatchSegment(segments_[pi], path.substr(pos, end - pos))) {
      ++pi;
      pos = end + 1;
    } else if (star != kNone) {
      // Give "**" one more segment and retry what follows it.
      pi = star + 1;
      std::size_t next = path.find('/', star_pos);
      star_pos = next == std::string_view::npos ? n + 1 : next + 1;
      pos = star_pos;
    } else {
      return false;
    }
  }
  while (pi < count && segments_[pi].kind == Kind::kAny) ++pi;
  return pi == count;
}

}  // namespace cairn::edge
