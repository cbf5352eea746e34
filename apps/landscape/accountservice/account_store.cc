#include "apps/landscape/accountservice/account_store.h"

#include <lmdb.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <system_error>

#include "lib/model/json_escape.h"

namespace cairn::accountservice {
namespace {

constexpr const char* kDatabaseName = "accounts";

Status LmdbError(std::string_view what, int rc) {
  return Unavailable(std::string(what) + ": " + mdb_strerror(rc));
}

MDB_val View(std::string_view text) { return MDB_val{text.size(), const_cast<char*>(text.data())}; }

// A transaction that is aborted unless committed.
class Txn {
 public:
  Txn() = default;
  ~Txn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  Status Begin(MDB_env* env, bool read_only) {
    const int rc = mdb_txn_begin(env, nullptr, read_only ? MDB_RDONLY : 0u, &txn_);
    if (rc != MDB_SUCCESS) {
      txn_ = nullptr;
      return LmdbError("cannot begin an LMDB transaction", rc);
    }
    return Status::Ok();
  }
  Status Commit() {
    const int rc = mdb_txn_commit(txn_);
    txn_ = nullptr;  // freed by commit whatever its outcome
    return rc == MDB_SUCCESS ? Status::Ok() : LmdbError("cannot commit to LMDB", rc);
  }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
};

Status CheckId(std::string_view id) {
  if (id.empty()) return InvalidArgument("an account id must not be empty");
  if (id.size() > kMaxAccountIdBytes) {
    return InvalidArgument("an account id has at most " + std::to_string(kMaxAccountIdBytes) +
                           " bytes");
  }
  return Status::Ok();
}

}  // namespace

struct AccountStore::Env {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;

  ~Env() {
    if (env != nullptr) mdb_env_close(env);
  }
};

std::string EncodeAccount(const Account& account) {
  std::string out = "{\"id\":";
  model::AppendJsonString(account.id, out);
  out += ",\"name\":";
  model::AppendJsonString(account.name, out);
  out += '}';
  return out;
}

Result<Account> DecodeAccount(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(json, ec);
  if (ec) return Internal("stored account is not JSON: " + ec.message());
  if (!value.is_object()) return Internal("stored account is not a JSON object");
  const boost::json::object& object = value.as_object();
  Account account;
  for (auto [key, field] : {std::pair{"id", &account.id}, std::pair{"name", &account.name}}) {
    const boost::json::value* found = object.if_contains(key);
    if (found == nullptr || !found->is_string()) {
      return Internal(std::string("stored account has no string \"") + key + "\"");
    }
    *field = std::string(found->as_string());
  }
  return account;
}

AccountStore::AccountStore(std::string directory, std::unique_ptr<Env> env)
    : directory_(std::move(directory)), env_(std::move(env)) {}

AccountStore::~AccountStore() = default;

Result<std::unique_ptr<AccountStore>> AccountStore::Open(const std::string& directory,
                                                         AccountStoreOptions options) {
  if (directory.empty()) return InvalidArgument("the account data directory must not be empty");
  std::error_code fs_error;
  std::filesystem::create_directories(directory, fs_error);
  if (fs_error) {
    return Unavailable("cannot create the account data directory " + directory + ": " +
                       fs_error.message());
  }
  if (!std::filesystem::is_directory(directory, fs_error)) {
    return Unavailable("the account data directory " + directory + " is not a directory");
  }

  auto env = std::make_unique<Env>();
  if (int rc = mdb_env_create(&env->env); rc != MDB_SUCCESS) {
    env->env = nullptr;
    return LmdbError("cannot create an LMDB environment", rc);
  }
  if (int rc = mdb_env_set_mapsize(env->env, options.map_size_bytes); rc != MDB_SUCCESS) {
    return LmdbError("cannot set the LMDB map size", rc);
  }
  if (int rc = mdb_env_set_maxdbs(env->env, 1); rc != MDB_SUCCESS) {
    return LmdbError("cannot set the LMDB database count", rc);
  }
  if (int rc = mdb_env_open(env->env, directory.c_str(), MDB_NOTLS, 0600); rc != MDB_SUCCESS) {
    return LmdbError("cannot open the account database in " + directory, rc);
  }
  {
    Txn txn;
    CAIRN_RETURN_IF_ERROR(txn.Begin(env->env, /*read_only=*/false));
    if (int rc = mdb_dbi_open(txn.get(), kDatabaseName, MDB_CREATE, &env->dbi); rc != MDB_SUCCESS) {
      return LmdbError("cannot open the accounts database", rc);
    }
    CAIRN_RETURN_IF_ERROR(txn.Commit());
  }

  std::unique_ptr<AccountStore> store(new AccountStore(directory, std::move(env)));
  if (options.seed) CAIRN_RETURN_IF_ERROR(store->SeedIfEmpty());
  return store;
}

Status AccountStore::SeedIfEmpty() {
  Txn txn;
  CAIRN_RETURN_IF_ERROR(txn.Begin(env_->env, /*read_only=*/false));
  MDB_stat stat;
  if (int rc = mdb_stat(txn.get(), env_->dbi, &stat); rc != MDB_SUCCESS) {
    return LmdbError("cannot read the accounts database", rc);
  }
  if (stat.ms_entries > 0) return Status::Ok();
  for (int i = 0; i < kSeedAccounts; ++i) {
    const Account account{std::to_string(kFirstAccountId + i), "Person_" + std::to_string(i)};
    const std::string value = EncodeAccount(account);
    MDB_val key = View(account.id);
    MDB_val data = View(value);
    if (int rc = mdb_put(txn.get(), env_->dbi, &key, &data, 0); rc != MDB_SUCCESS) {
      return LmdbError("cannot seed account " + account.id, rc);
    }
  }
  CAIRN_RETURN_IF_ERROR(txn.Commit());
  seeded_ = kSeedAccounts;
  return Status::Ok();
}

Result<Account> AccountStore::Get(std::string_view id) const {
  const std::string not_found = "No account found for " + std::string(id.substr(0, 80));
  if (!CheckId(id).ok()) return NotFound(not_found);
  Txn txn;
  CAIRN_RETURN_IF_ERROR(txn.Begin(env_->env, /*read_only=*/true));
  MDB_val key = View(id);
  MDB_val data;
  const int rc = mdb_get(txn.get(), env_->dbi, &key, &data);
  if (rc == MDB_NOTFOUND) return NotFound(not_found);
  if (rc != MDB_SUCCESS) return LmdbError("cannot read account " + std::string(id), rc);
  // The value lives in the map only while the transaction does: decode before it ends.
  Result<Account> account =
      DecodeAccount(std::string_view(static_cast<const char*>(data.mv_data), data.mv_size));
  if (!account.ok()) {
    return Internal("account " + std::string(id) + ": " + account.status().message());
  }
  return account;
}

Status AccountStore::Put(const Account& account) {
  CAIRN_RETURN_IF_ERROR(CheckId(account.id));
  Txn txn;
  CAIRN_RETURN_IF_ERROR(txn.Begin(env_->env, /*read_only=*/false));
  const std::string value = EncodeAccount(account);
  MDB_val key = View(account.id);
  MDB_val data = View(value);
  if (int rc = mdb_put(txn.get(), env_->dbi, &key, &data, 0); rc != MDB_SUCCESS) {
    return LmdbError("cannot store account " + account.id, rc);
  }
  return txn.Commit();
}

Result<std::size_t> AccountStore::Count() const {
  Txn txn;
  CAIRN_RETURN_IF_ERROR(txn.Begin(env_->env, /*read_only=*/true));
  MDB_stat stat;
  if (int rc = mdb_stat(txn.get(), env_->dbi, &stat); rc != MDB_SUCCESS) {
    return LmdbError("cannot read the accounts database", rc);
  }
  return static_cast<std::size_t>(stat.ms_entries);
}

Status AccountStore::Check() const {
  Result<std::size_t> count = Count();
  if (!count.ok()) return count.status();
  return Status::Ok();
}

}  // namespace cairn::accountservice
