// Test helpers for cairn-edge's integration tests: a self-signed certificate made with OpenSSL,
// an in-process EdgeServer built from YAML, and small HTTP(S) clients.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "apps/edge/config_loader.h"
#include "apps/edge/edge_server.h"

namespace cairn::edge::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

// A temporary directory removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cairn-edge-test.XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// Writes a self-signed EC certificate for localhost and its key; returns false on failure.
inline bool MakeSelfSignedCert(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return false;
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  bool ok = X509_sign(x, key, EVP_sha256()) > 0;
  FILE* c = std::fopen(cert_path.c_str(), "w");
  FILE* k = std::fopen(key_path.c_str(), "w");
  ok = ok && c != nullptr && k != nullptr && PEM_write_X509(c, x) == 1 &&
       PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (c != nullptr) std::fclose(c);
  if (k != nullptr) std::fclose(k);
  X509_free(x);
  EVP_PKEY_free(key);
  return ok;
}

// Parses `yaml` as a whole edge config file (process settings and routes) from a temporary file.
inline Result<EdgeConfig> ConfigFromYaml(const TempDir& dir, const std::string& yaml) {
  const std::string file = dir.File("edge.yaml");
  FILE* f = std::fopen(file.c_str(), "w");
  std::fwrite(yaml.data(), 1, yaml.size(), f);
  std::fclose(f);
  std::vector<std::string> args{"--config", file};
  LoadOutcome outcome = LoadConfig(args, config::Environment::FromMap({}));
  if (outcome.action == config::Action::kExit) return InvalidArgument(outcome.message);
  return std::move(outcome.config);
}

// YAML for a plain-HTTP-only edge on an ephemeral port with quick timeouts; `rest` adds keys.
inline std::string PlainEdgeYaml(const std::string& rest) {
  return "https: {enabled: false}\n"
         "http: {enabled: true, address: 127.0.0.1, port: 0}\n"
         "workers: 2\n"
         "access-log: ''\n" +
         rest;
}

// A blocking HTTPS client (TLS version range selectable) for tests.
class TlsClient {
 public:
  TlsClient(std::uint16_t port, int min_version, int max_version)
      : ctx_(asio::ssl::context::tls_client) {
    SSL_CTX_set_min_proto_version(ctx_.native_handle(), min_version);
    SSL_CTX_set_max_proto_version(ctx_.native_handle(), max_version);
    SSL_CTX_set_security_level(ctx_.native_handle(), 0);  // allow offering TLS 1.1
    ctx_.set_verify_mode(asio::ssl::verify_none);
    stream_.emplace(ioc_, ctx_);  // after the settings: the SSL object copies them
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    stream_->lowest_layer().connect(endpoint, error_);
    if (!error_) stream_->handshake(asio::ssl::stream_base::client, error_);
  }
  const boost::system::error_code& error() const { return error_; }
  std::string protocol() { return SSL_get_version(stream_->native_handle()); }

  http::response<http::string_body> Get(const std::string& target, boost::system::error_code& ec) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    http::write(*stream_, req, ec);
    http::response<http::string_body> res;
    if (!ec) http::read(*stream_, buffer_, res, ec);
    return res;
  }

 private:
  asio::io_context ioc_;
  asio::ssl::context ctx_;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket>> stream_;
  beast::flat_buffer buffer_;
  boost::system::error_code error_;
};

}  // namespace cairn::edge::testing
