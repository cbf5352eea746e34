#include "tools/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tools/support/http_client.h"

extern char** environ;

namespace cairn::tools {

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port of cairn-server's "listening on <address>:<port> (" log line, or 0.
std::uint16_t FindListeningPort(const std::string& log) {
  constexpr std::string_view kMarker = "listening on ";
  std::size_t at = log.find(kMarker);
  if (at == std::string::npos) return 0;
  std::size_t end = log.find_first_of(" \n", at + kMarker.size());
  if (end == std::string::npos) return 0;
  std::string_view address(log.data() + at + kMarker.size(), end - at - kMarker.size());
  std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return 0;
  unsigned port = 0;
  std::string_view text = address.substr(colon + 1);
  auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || ptr != text.data() + text.size() || port == 0 || port > 65535) {
    return 0;
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(ServerProcessOptions options) {
  if (options.binary.empty()) return InvalidArgument("no cairn-server binary given");
  if (options.log_path.empty()) return InvalidArgument("no log path given");
  if (access(options.binary.c_str(), X_OK) != 0) {
    return InvalidArgument("cairn-server binary not executable: " + options.binary);
  }
  auto has = [&](std::string_view name) {
    for (const auto& [key, value] : options.env) {
      if (key == name) return true;
    }
    return false;
  };
  if (!has("QUERY_PORT")) options.env.emplace_back("QUERY_PORT", "0");
  if (!has("QUERY_BIND_ADDRESS")) options.env.emplace_back("QUERY_BIND_ADDRESS", "127.0.0.1");
  std::unique_ptr<ServerProcess> process(new ServerProcess(std::move(options)));
  CAIRN_RETURN_IF_ERROR(process->Launch());
  CAIRN_RETURN_IF_ERROR(process->AwaitListening());
  return process;
}

Status ServerProcess::Launch() {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::string_view name = text.substr(0, text.find('='));
    bool overridden = false;
    for (const auto& [key, value] : options_.env) overridden |= (key == name);
    if (!overridden) env_strings.emplace_back(text);
  }
  for (const auto& [key, value] : options_.env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> arg_strings{options_.binary};
  arg_strings.insert(arg_strings.end(), options_.args.begin(), options_.args.end());
  std::vector<char*> argv;
  for (std::string& s : arg_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int log_fd = open(options_.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Unavailable("cannot open " + options_.log_path + ": " + std::strerror(errno));
  }
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return Unavailable(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(log_fd);
  pid_ = pid;
  return Status::Ok();
}

Status ServerProcess::AwaitListening() {
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (port_ == 0) {
    if (!Running()) {
      return Unavailable("cairn-server exited (status " + std::to_string(exit_status_) +
                         ") before listening; log:\n" + FileTail(options_.log_path));
    }
    port_ = FindListeningPort(ReadFile(options_.log_path));
    if (port_ != 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      Kill();
      return Unavailable("cairn-server did not listen within the start timeout; log:\n" +
                         FileTail(options_.log_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  HttpClient client("127.0.0.1", port_, std::chrono::seconds(2));
  while (true) {
    HttpResponse health = client.Get("/health");
    if (health.status == 200) return Status::Ok();
    if (!Running() || std::chrono::steady_clock::now() > deadline) {
      Kill();
      return Unavailable("cairn-server on port " + std::to_string(port_) +
                         " did not become healthy (last: " +
                         (health.transport_ok() ? std::to_string(health.status) : health.error) +
                         "); log:\n" + FileTail(options_.log_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ServerProcess::~ServerProcess() { Kill(); }

std::string ServerProcess::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

bool ServerProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  exit_status_ = done == pid_ ? status : -1;
  pid_ = -1;
  return false;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_status_ = status;
  pid_ = -1;
}

Result<int> ServerProcess::Stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return exit_status_;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      Kill();
      return DeadlineExceeded("cairn-server did not stop within " +
                              std::to_string(timeout.count()) + " ms of SIGTERM; killed");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(exit_status_) ? WEXITSTATUS(exit_status_) : 128 + WTERMSIG(exit_status_);
}

Result<MemoryUsage> ReadMemoryUsage(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return NotFound("no process " + std::to_string(pid));
  MemoryUsage usage;
  bool found = false;
  std::string line;
  while (std::getline(in, line)) {
    auto read_kib = [&](std::string_view key, std::int64_t& out) {
      if (line.compare(0, key.size(), key) != 0) return;
      std::istringstream fields(line.substr(key.size()));
      fields >> out;
      found = true;
    };
    read_kib("VmRSS:", usage.rss_kib);
    read_kib("RssAnon:", usage.rss_anon_kib);
  }
  if (!found) return NotFound("no memory figures for process " + std::to_string(pid));
  return usage;
}

std::string FileTail(const std::string& path, std::size_t max_bytes) {
  std::string text = ReadFile(path);
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

}  // namespace cairn::tools
