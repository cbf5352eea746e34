// The real quotes-service binary: start-up with a bad value exits 2 naming the key; a running
// process answers, logs JSON lines, and on SIGTERM drains, flushes its spans and exits 0.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "apps/landscape/common/testing_spans.h"
#include "lib/net/test_client.h"
#include "lib/trace_http/testing_collector.h"

namespace cairn::quotes {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

class Process {
 public:
  // Runs the binary with `args`, stdout and stderr to a temp file.
  explicit Process(std::vector<std::string> args, std::vector<std::string> env = {}) {
    log_path_ = (std::filesystem::temp_directory_path() /
                 ("quotes-process-test-" + std::to_string(::getpid()) + ".log"))
                    .string();
    // Everything the child needs is prepared before fork: it only calls async-signal-safe
    // functions (the test process has threads).
    binary_ = QUOTES_SERVICE_BINARY;
    args_ = std::move(args);
    env_ = std::move(env);
    std::vector<char*> argv = {binary_.data()};
    for (std::string& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    for (std::string& e : env_) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execve(binary_.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(fd);
  }
  ~Process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove(log_path_);
  }

  std::string Log() const {
    std::ifstream in(log_path_);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // The port from the "listening on 127.0.0.1:<port>" line, or 0 after `timeout`.
  std::uint16_t WaitForPort(milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string marker = "listening on 127.0.0.1:";
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string log = Log();
      if (auto pos = log.find(marker); pos != std::string::npos) {
        return static_cast<std::uint16_t>(std::stoi(log.substr(pos + marker.size())));
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return 0;
  }

  // Exit code, or -signal when killed by a signal, or -1000 after `timeout`.
  int Wait(milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    return -1000;
  }

  void Signal(int signal_number) { ::kill(pid_, signal_number); }

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::string log_path_;
};

TEST(QuotesProcessTest, BadValueExitsTwoNamingTheKey) {
  Process process({"--server_port=0"}, {"DEFAULT_STRENGTH=20"});
  EXPECT_EQ(process.Wait(milliseconds(5000)), 2);
  EXPECT_THAT(process.Log(), HasSubstr("quotes-service: DEFAULT_STRENGTH (environment) = \"20\""));
}

TEST(QuotesProcessTest, ServesAndStopsGracefullyOnSigterm) {
  trace_http::testing::RecordingCollector collector;
  ASSERT_TRUE(collector.Start().ok());
  Process process({"--server_port=0", "--bind_address=127.0.0.1",
                   "--zipkin_server_url=http://127.0.0.1:" + std::to_string(collector.port())},
                  {"LOG_FORMAT=json", "DEFAULT_STRENGTH=4"});
  const std::uint16_t port = process.WaitForPort(milliseconds(5000));
  ASSERT_NE(port, 0) << process.Log();
  net::testing::TestClient client(port);
  net::Response res = client.Get("/api/quote");
  EXPECT_EQ(res.result(), net::http::status::ok) << res.body();

  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(milliseconds(10000)), 0) << process.Log();
  const std::string log = process.Log();
  EXPECT_THAT(log, HasSubstr("\"level\":\"info\",\"service\":\"quotes-service\","
                             "\"msg\":\"received SIGTERM, stopping"));
  EXPECT_THAT(log, HasSubstr("\"msg\":\"stopped\"}"));
  // The span was flushed at shutdown, well before the reporter's 1 s batch interval.
  auto span = landscape::testing::FindSpan(landscape::testing::DecodeSpans(collector), "getquote",
                                           "SERVER");
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->local_service, "quotes-service");
}

}  // namespace
}  // namespace cairn::quotes
