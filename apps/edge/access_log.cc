#include "apps/edge/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>

namespace cairn::edge {

namespace {

constexpr std::size_t kFlushBytes = 32 * 1024;

void AppendInt(std::string& out, std::int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

// Quoted field; '"' and control characters in client-supplied values become '_' so a line stays
// one line and parseable.
void AppendQuoted(std::string& out, std::string_view value) {
  out.push_back('"');
  if (value.empty()) {
    out.push_back('-');
  } else {
    for (char c : value) {
      out.push_back((c == '"' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '_' : c);
    }
  }
  out.push_back('"');
}

void AppendPlain(std::string& out, std::string_view value) {
  if (value.empty()) {
    out.push_back('-');
    return;
  }
  for (char c : value) {
    out.push_back((c == ' ' || c == '"' || static_cast<unsigned char>(c) < 0x20) ? '_' : c);
  }
}

void AppendTime(std::string& out, std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  out.append(buf, n);
  out.push_back('.');
  const int millis = static_cast<int>(ms % 1000);
  out.push_back(static_cast<char>('0' + millis / 100));
  out.push_back(static_cast<char>('0' + millis / 10 % 10));
  out.push_back(static_cast<char>('0' + millis % 10));
  out.push_back('Z');
}

}  // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<AccessLog>(new AccessLog(STDOUT_FILENO, false));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return InvalidArgument("access-log '" + path + "' cannot be opened: " + std::strerror(errno));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(fd, true));
}

AccessLog::~AccessLog() {
  if (owned_) ::close(fd_);
}

void AccessLog::Write(std::string_view lines) {
  while (!lines.empty()) {
    ssize_t n = ::write(fd_, lines.data(), lines.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // a full disk or closed stdout must not stop the proxy; lines are lost
    }
    lines.remove_prefix(static_cast<std::size_t>(n));
  }
}

void FormatAccessLine(const AccessEntry& e, std::string& out) {
  out.push_back('[');
  AppendTime(out, e.start);
  out.append("] \"");
  AppendPlain(out, e.method);
  out.push_back(' ');
  AppendPlain(out, e.target);
  out.append(e.version == 10 ? " HTTP/1.0\" " : " HTTP/1.1\" ");
  AppendInt(out, e.status);
  out.push_back(' ');
  out.append(e.flags.empty() ? std::string_view("-") : e.flags);
  out.push_back(' ');
  AppendInt(out, static_cast<std::int64_t>(e.bytes_received));
  out.push_back(' ');
  AppendInt(out, static_cast<std::int64_t>(e.bytes_sent));
  out.push_back(' ');
  AppendInt(out, e.duration_ms);
  out.push_back(' ');
  if (e.upstream_ms < 0) {
    out.push_back('-');
  } else {
    AppendInt(out, e.upstream_ms);
  }
  out.push_back(' ');
  AppendQuoted(out, e.forwarded_for);
  out.push_back(' ');
  AppendQuoted(out, e.user_agent);
  out.push_back(' ');
  AppendQuoted(out, e.request_id);
  out.push_back(' ');
  AppendQuoted(out, e.authority);
  out.push_back(' ');
  AppendQuoted(out, e.upstream_host);
  out.push_back(' ');
  AppendPlain(out, e.trace_id);
  out.push_back(' ');
  AppendPlain(out, e.route);
  out.push_back('\n');
}

void AccessLogBuffer::Add(const AccessEntry& entry) {
  if (log_ == nullptr) return;
  FormatAccessLine(entry, buffer_);
  if (buffer_.size() >= kFlushBytes) Flush();
}

void AccessLogBuffer::Flush() {
  if (log_ == nullptr || buffer_.empty()) return;
  log_->Write(buffer_);
  buffer_.clear();
}

}  // namespace cairn::edge
