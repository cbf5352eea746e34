// ServerProcess: runs a real cairn-server binary as a child process, for integration tests and
// benchmark drivers.
//
// Start() forks and execs the binary with the inherited environment plus the given variables
// (QUERY_PORT=0 and QUERY_BIND_ADDRESS=127.0.0.1 unless the caller sets them), sends its stdout
// and stderr to a log file, waits for the "listening on <addr>:<port>" line that cairn-server logs
// once it accepts connections, reads the port from it, and waits for GET /health to answer 200.
// The child gets PR_SET_PDEATHSIG(SIGKILL), so a crashed test or tool never leaves a server
// behind; the destructor kills and reaps a child that is still running.
//
// Not thread-safe: one owner drives the process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lib/base/status.h"

namespace cairn::tools {

struct ServerProcessOptions {
  std::string binary;  // path of cairn-server
  std::vector<std::string> args;
  // Set on top of the inherited environment (replacing inherited values of the same name).
  std::vector<std::pair<std::string, std::string>> env;
  std::string log_path;  // receives stdout and stderr (truncated); required
  std::chrono::milliseconds start_timeout{30'000};
};

class ServerProcess {
 public:
  // Errors: kInvalidArgument for missing binary/log path, kUnavailable when the process exits
  // before listening (the message quotes the end of its log) or does not listen in time.
  static Result<std::unique_ptr<ServerProcess>> Start(ServerProcessOptions options);

  ~ServerProcess();  // Kill() when still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port>"
  std::string BaseUrl() const;
  const std::string& log_path() const { return options_.log_path; }

  // SIGKILL, then reap. Idempotent.
  void Kill();
  // SIGTERM and wait up to `timeout` for a graceful exit; returns the exit status. Past the
  // timeout the process is killed and kDeadlineExceeded returned.
  Result<int> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // True while the child has not exited (reaps it when it has).
  bool Running();

 private:
  explicit ServerProcess(ServerProcessOptions options) : options_(std::move(options)) {}
  Status Launch();
  Status AwaitListening();

  ServerProcessOptions options_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int exit_status_ = -1;
};

struct MemoryUsage {
  std::int64_t rss_kib = 0;       // VmRSS
  std::int64_t rss_anon_kib = 0;  // RssAnon: private memory, without shared library pages
};

// Reads /proc/<pid>/status. kNotFound when the process is gone.
Result<MemoryUsage> ReadMemoryUsage(pid_t pid);

// The last `max_bytes` of a file (for error messages quoting a log).
std::string FileTail(const std::string& path, std::size_t max_bytes = 2000);

}  // namespace cairn::tools
