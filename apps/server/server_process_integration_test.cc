// The cairn-server binary itself: configuration errors and their exit status, --help, graceful
// shutdown on SIGTERM, and data kept across a restart with the rocksdb store.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "apps/server/server_test_util.h"

namespace cairn::server {
namespace {

namespace http = net::http;

using testing::ListJson;
using testing::ParseJson;
using testing::SpanSpec;
using testing::TempDir;

// A child cairn-server whose stdout and stderr go into one pipe.
class ServerProcess {
 public:
  ServerProcess(std::vector<std::string> args, std::map<std::string, std::string> env) {
    int fds[2];
    if (::pipe(fds) != 0) {
      ADD_FAILURE() << "pipe failed";
      return;
    }
    std::vector<std::string> argv_storage = {CAIRN_SERVER_BINARY};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<std::string> env_storage;
    for (const auto& [k, v] : env) env_storage.push_back(k + "=" + v);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv;
      for (auto& a : argv_storage) argv.push_back(a.data());
      argv.push_back(nullptr);
      std::vector<char*> envp;
      for (auto& e : env_storage) envp.push_back(e.data());
      envp.push_back(nullptr);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_fd_ = fds[0];
  }

  ~ServerProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
  }

  // Reads output until `pattern` matches it or `timeout` passes; returns the match or "".
  std::smatch WaitForOutput(const std::regex& pattern, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::smatch match;
    while (!std::regex_search(output_, match, pattern)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !ReadSome(left)) return {};
    }
    return match;
  }

  // Waits for the process to exit; returns its exit status, or -1 on timeout/signal.
  int WaitExit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exited_ = true;
        while (ReadSome(std::chrono::milliseconds(50))) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ReadSome(std::chrono::milliseconds(20));
    }
    return -1;
  }

  void Signal(int sig) { ::kill(pid_, sig); }
  const std::string& output() const { return output_; }

 private:
  bool ReadSome(std::chrono::milliseconds timeout) {
    pollfd pfd{out_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(out_fd_, buf, sizeof(buf));
    if (n <= 0) return false;
    output_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  std::string output_;
};

// Starts the binary and returns the port it listens on (0 on failure).
std::uint16_t StartAndGetPort(ServerProcess& process) {
  std::smatch match = process.WaitForOutput(std::regex("listening on 127\\.0\\.0\\.1:(\\d+)"),
                                            std::chrono::seconds(20));
  if (match.empty()) {
    ADD_FAILURE() << "server did not start:\n" << process.output();
    return 0;
  }
  return static_cast<std::uint16_t>(std::stoi(match[1].str()));
}

net::Response Request(std::uint16_t port, http::verb method, const std::string& target,
                      std::string body = {}) {
  net::testing::TestClient client(port);
  net::Request req(method, target, 11);
  req.set(http::field::content_type, "application/json");
  req.body() = std::move(body);
  return client.RoundTrip(std::move(req));
}

TEST(ServerProcessTest, BadValueExitsWithStatus2NamingKeyAndValue) {
  ServerProcess process({}, {{"QUERY_PORT", "abc"}});
  EXPECT_EQ(process.WaitExit(std::chrono::seconds(10)), 2);
  EXPECT_NE(process.output().find("QUERY_PORT (environment) = \"abc\""), std::string::npos)
      << process.output();
}

TEST(ServerProcessTest, BadFlagExitsWithStatus2) {
  ServerProcess process({"--storage-type", "cassandra"}, {});
  EXPECT_EQ(process.WaitExit(std::chrono::seconds(10)), 2);
  EXPECT_NE(process.output().find("--storage-type = \"cassandra\": expected mem or rocksdb"),
            std::string::npos)
      << process.output();
}

TEST(ServerProcessTest, HelpListsSettings) {
  ServerProcess process({"--help"}, {});
  EXPECT_EQ(process.WaitExit(std::chrono::seconds(10)), 0);
  for (const char* text : {"--query-port", "QUERY_PORT", "--storage-type", "STORAGE_TYPE",
                           "COLLECTOR_SAMPLE_RATE", "--config"}) {
    EXPECT_NE(process.output().find(text), std::string::npos) << text;
  }
}

TEST(ServerProcessTest, UnusableDataDirectoryExitsWithStatus1) {
  TempDir dir;
  const std::string file = dir.path() + "/not-a-dir";
  std::ofstream(file) << "x";
  ServerProcess process(
      {}, {{"CAIRN_DATA_DIR", file}, {"QUERY_PORT", "0"}, {"QUERY_BIND_ADDRESS", "127.0.0.1"}});
  EXPECT_EQ(process.WaitExit(std::chrono::seconds(20)), 1) << process.output();
  EXPECT_NE(process.output().find("cannot open rocksdb storage"), std::string::npos)
      << process.output();
}

TEST(ServerProcessTest, RocksDbDataSurvivesRestartAndSigtermIsGraceful) {
  TempDir dir;
  const std::map<std::string, std::string> env = {{"STORAGE_TYPE", "rocksdb"},
                                                  {"CAIRN_DATA_DIR", dir.path() + "/data"},
                                                  {"QUERY_PORT", "0"},
                                                  {"QUERY_BIND_ADDRESS", "127.0.0.1"},
                                                  {"CAIRN_IO_THREADS", "1"}};
  const std::string spans =
      ListJson({SpanSpec{.id = "1", .name = "persisted", .service = "keeper"},
                SpanSpec{.id = "2", .parent_id = "0000000000000001", .service = "keeper"}});
  std::string stored;
  {
    ServerProcess first({}, env);
    const std::uint16_t port = StartAndGetPort(first);
    ASSERT_NE(port, 0);
    net::Response res = Request(port, http::verb::post, "/api/v2/spans", spans);
    ASSERT_EQ(res.result(), http::status::accepted) << res.body();
    res = Request(port, http::verb::get, "/api/v2/trace/463ac35c9f6413ad");
    ASSERT_EQ(res.result(), http::status::ok);
    stored = res.body();
    first.Signal(SIGTERM);
    EXPECT_EQ(first.WaitExit(std::chrono::seconds(20)), 0) << first.output();
    EXPECT_NE(first.output().find("received SIGTERM"), std::string::npos) << first.output();
  }
  {
    ServerProcess second({}, env);
    const std::uint16_t port = StartAndGetPort(second);
    ASSERT_NE(port, 0);
    net::Response res = Request(port, http::verb::get, "/api/v2/trace/463ac35c9f6413ad");
    EXPECT_EQ(res.result(), http::status::ok) << res.body();
    EXPECT_EQ(res.body(), stored);
    EXPECT_EQ(Request(port, http::verb::get, "/api/v2/services").body(), R"(["keeper"])");
    res = Request(port, http::verb::get, "/health");
    EXPECT_EQ(res.result(), http::status::ok) << res.body();
    EXPECT_NE(res.body().find("\"status\":\"UP\""), std::string::npos);
    second.Signal(SIGINT);
    EXPECT_EQ(second.WaitExit(std::chrono::seconds(20)), 0) << second.output();
  }
}

}  // namespace
}  // namespace cairn::server
