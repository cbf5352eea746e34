// RabbitMqNode: a private RabbitMQ broker for tests (not part of the library).
//
// Launch() picks three free loopback ports (AMQP, Erlang distribution, epmd), creates a temporary
// directory and runs scripts/rabbitmq-node there, so the node has its own name, Mnesia, logs,
// cookie and epmd and never touches the system's RabbitMQ. It returns once a client can log in
// (a node boots in about 7 s). Stop/Start/Restart keep the ports and directory, so clients can
// reconnect to the same URL; the destructor stops the node (no beam or epmd process survives it)
// and removes the directory. The script is also given this process's pid as owner, so a test
// killed by a timeout still takes its broker down within a second or two.
//
// Typical use, one broker per test binary:
//   static std::unique_ptr<RabbitMqNode> node;  // in SetUpTestSuite:
//   if (!RabbitMqNode::Available()) GTEST_SKIP() << RabbitMqNode::UnavailableReason();
//   auto started = RabbitMqNode::Launch();  ASSERT_TRUE(started.ok()) <<
//   started.status().message(); node = std::move(started).value();  ... node->url() ...
//
// Not thread-safe: one thread drives a node.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cairn/trace/status.h"

namespace cairn::trace_amqp::testing {

struct RabbitMqNodeOptions {
  // scripts/rabbitmq-node; default: $CAIRN_SOURCE_DIR/scripts/rabbitmq-node, else the source tree
  // this file was built from.
  std::string script;
  // Parent of the node's directory; default: $TMPDIR or /tmp. Must be reachable by the `rabbitmq`
  // user when running as root.
  std::string temp_root;
  std::chrono::seconds start_timeout{60};
  bool keep_directory = false;  // leave the directory (logs) behind for debugging
};

class RabbitMqNode {
 public:
  // True when rabbitmq-server and the script are installed; else UnavailableReason() says why.
  static bool Available(const RabbitMqNodeOptions& options = {});
  static std::string UnavailableReason(const RabbitMqNodeOptions& options = {});

  static Result<std::unique_ptr<RabbitMqNode>> Launch(RabbitMqNodeOptions options = {});
  ~RabbitMqNode();
  RabbitMqNode(const RabbitMqNode&) = delete;
  RabbitMqNode& operator=(const RabbitMqNode&) = delete;

  // Graceful stop (a few seconds), or an immediate SIGKILL of the broker (`kill`: the broker
  // "crashes"). Either way its epmd is stopped too. Idempotent.
  Status Stop(bool kill = false);
  // Starts a stopped node again on the same ports and directory and waits until it accepts logins.
  Status Start();
  Status Restart(bool kill = false);
  bool running() const { return running_; }

  std::uint16_t port() const { return port_; }
  // amqp://guest:guest@127.0.0.1:<port>/
  std::string url() const;
  const std::string& directory() const { return dir_; }

  // Runs rabbitmqctl against the node, e.g. {"set_vm_memory_high_watermark", "0"} to raise a
  // memory alarm (the broker then blocks publishers). About a second per call.
  Status Ctl(const std::vector<std::string>& args);

  // Pids of this node's processes still alive (Erlang VM and its helpers, epmd, the watchdog):
  // empty once stopped. From /proc (Linux).
  std::vector<int> Processes() const;

  // Succeeds when a client can connect and log in as guest (one attempt).
  static Status CheckLogin(std::uint16_t port, std::chrono::milliseconds timeout);

 private:
  RabbitMqNode(RabbitMqNodeOptions options, std::string dir);
  Status Boot();
  Status RunScript(const std::string& command, const std::vector<std::string>& extra_args = {});

  RabbitMqNodeOptions options_;
  std::string dir_;
  std::uint16_t port_ = 0;
  std::uint16_t dist_port_ = 0;
  std::uint16_t epmd_port_ = 0;
  bool running_ = false;
};

}  // namespace cairn::trace_amqp::testing
