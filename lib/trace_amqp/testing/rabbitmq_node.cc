#include "lib/trace_amqp/testing/rabbitmq_node.h"

#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <vector>

#include "lib/trace_amqp/amqp_connection.h"

extern char** environ;

namespace cairn::trace_amqp::testing {
namespace {

constexpr const char* kRabbitmqServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";

std::string ScriptPath(const RabbitMqNodeOptions& options) {
  if (!options.script.empty()) return options.script;
  if (const char* source = std::getenv("CAIRN_SOURCE_DIR"); source != nullptr && *source != 0) {
    return std::string(source) + "/scripts/rabbitmq-node";
  }
  return CAIRN_RABBITMQ_NODE_SCRIPT;
}

std::string TempRoot(const RabbitMqNodeOptions& options) {
  if (!options.temp_root.empty()) return options.temp_root;
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != 0) return tmp;
  return "/tmp";
}

// `count` distinct free loopback ports: all are bound at once, then released.
Result<std::vector<std::uint16_t>> FreePorts(int count) {
  std::vector<int> fds;
  std::vector<std::uint16_t> ports;
  Status error;
  for (int i = 0; i < count && error.ok(); ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      error = Internal(std::string("socket: ") + std::strerror(errno));
      break;
    }
    fds.push_back(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      error = Internal(std::string("bind: ") + std::strerror(errno));
      break;
    }
    ports.push_back(ntohs(addr.sin_port));
  }
  for (int fd : fds) ::close(fd);
  if (!error.ok()) return error;
  return ports;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The parent pid from /proc/<pid>/stat ("pid (comm) state ppid ..."; comm may contain spaces).
int ParentPid(const std::filesystem::path& proc_dir) {
  const std::string stat = ReadFile(proc_dir / "stat");
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 4 > stat.size()) return -1;
  return std::atoi(stat.c_str() + close + 4);
}

}  // namespace

std::vector<int> RabbitMqNode::Processes() const {
  // cmdline with NULs turned into spaces, and ppid, of every process.
  std::vector<std::pair<int, std::pair<int, std::string>>> all;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadFile(entry.path() / "cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    all.push_back({std::atoi(name.c_str()), {ParentPid(entry.path()), std::move(cmdline)}});
  }
  const std::string epmd = "-port " + std::to_string(epmd_port_) + " ";
  std::set<int> found;
  for (const auto& [pid, info] : all) {
    const std::string& cmdline = info.second;
    if (cmdline.find(dir_) != std::string::npos ||
        (cmdline.find("epmd") != std::string::npos && cmdline.find(epmd) != std::string::npos)) {
      found.insert(pid);
    }
  }
  // Their children (erl_child_setup, inet_gethost).
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, info] : all) {
      if (found.count(info.first) != 0 && found.insert(pid).second) grew = true;
    }
  }
  found.erase(::getpid());
  return {found.begin(), found.end()};
}

std::string RabbitMqNode::UnavailableReason(const RabbitMqNodeOptions& options) {
  const std::string script = ScriptPath(options);
  if (::access(script.c_str(), X_OK) != 0) return script + " is missing or not executable";
  if (::access(kRabbitmqServer, X_OK) != 0) {
    return std::string(kRabbitmqServer) + " is missing (install rabbitmq-server)";
  }
  return {};
}

bool RabbitMqNode::Available(const RabbitMqNodeOptions& options) {
  return UnavailableReason(options).empty();
}

RabbitMqNode::RabbitMqNode(RabbitMqNodeOptions options, std::string dir)
    : options_(std::move(options)), dir_(std::move(dir)) {}

Result<std::unique_ptr<RabbitMqNode>> RabbitMqNode::Launch(RabbitMqNodeOptions options) {
  if (std::string why = UnavailableReason(options); !why.empty()) {
    return FailedPrecondition("RabbitMqNode: " + why);
  }
  std::string pattern = TempRoot(options) + "/cairn-rabbitmq.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Internal("RabbitMqNode: mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  std::unique_ptr<RabbitMqNode> node(new RabbitMqNode(std::move(options), pattern));
  // A port picked here can be taken by someone else before the node binds it: pick again.
  Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto ports = FreePorts(3);
    if (!ports.ok()) return ports.status();
    node->port_ = (*ports)[0];
    node->dist_port_ = (*ports)[1];
    node->epmd_port_ = (*ports)[2];
    status = node->Boot();
    if (status.ok()) return node;
    (void)node->Stop(/*kill=*/true);
  }
  return status;
}

RabbitMqNode::~RabbitMqNode() {
  (void)Stop(/*kill=*/true);
  if (!options_.keep_directory && !dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string RabbitMqNode::url() const {
  return "amqp://guest:guest@127.0.0.1:" + std::to_string(port_) + "/";
}

Status RabbitMqNode::RunScript(const std::string& command,
                               const std::vector<std::string>& extra_args) {
  const std::string script = ScriptPath(options_);
  std::vector<std::string> args = {script, command, dir_};
  if (command == "start") {
    args.push_back(std::to_string(port_));
    args.push_back(std::to_string(dist_port_));
    args.push_back(std::to_string(epmd_port_));
    args.push_back("--owner");
    args.push_back(std::to_string(::getpid()));
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, script.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return Internal("RabbitMqNode: cannot run " + script + ": " + std::strerror(rc));
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return Internal(std::string("RabbitMqNode: waitpid: ") + strerror(errno));
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::Ok();
  return Unavailable("RabbitMqNode: `" + script + " " + command + " " + dir_ + "` failed (" +
                     (WIFEXITED(wstatus) ? "exit " + std::to_string(WEXITSTATUS(wstatus))
                                         : std::string("killed by a signal")) +
                     "); logs in " + dir_ + "/log");
}

Status RabbitMqNode::Boot() {
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  Status status = RunScript("start");
  if (!status.ok()) return status;
  running_ = true;
  status = RunScript("wait", {std::to_string(options_.start_timeout.count())});
  if (!status.ok()) return status;
  // The listener answers the protocol header before every boot step is done on a slow machine;
  // a real login is the test that matters.
  for (;;) {
    status = CheckLogin(port_, std::chrono::milliseconds(2000));
    if (status.ok()) return status;
    if (std::chrono::steady_clock::now() >= deadline) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Status RabbitMqNode::Stop(bool kill) {
  if (dir_.empty() || !running_) return Status::Ok();
  Status status = kill ? RunScript("stop", {"--kill"}) : RunScript("stop");
  running_ = false;
  return status;
}

Status RabbitMqNode::Ctl(const std::vector<std::string>& args) {
  if (!running_) return FailedPrecondition("RabbitMqNode: not running");
  return RunScript("ctl", args);
}

Status RabbitMqNode::Start() {
  if (running_) return FailedPrecondition("RabbitMqNode: already running");
  return Boot();
}

Status RabbitMqNode::Restart(bool kill) {
  Status status = Stop(kill);
  if (!status.ok()) return status;
  return Boot();
}

Status RabbitMqNode::CheckLogin(std::uint16_t port, std::chrono::milliseconds timeout) {
  BrokerUrl broker;
  broker.host = "127.0.0.1";
  broker.port = port;
  ConnectionSettings settings;
  settings.connect_timeout = timeout;
  settings.rpc_timeout = timeout;
  settings.heartbeat = std::chrono::seconds(0);
  settings.connection_name = "cairn RabbitMqNode check";
  internal::Connection connection;
  Status status = connection.Open(broker, settings);
  connection.Close();
  return status;
}

}  // namespace cairn::trace_amqp::testing
