// AccountStore: the accountservice's embedded account database, an LMDB environment in a data
// directory (the original kept its accounts in a BoltDB file, accounts.db).
//
// One named database, "accounts", maps an account id ("10000") to the account as JSON
// ({"id":"10000","name":"Person_0"}). Open creates the directory and the environment when they
// are missing and seeds the 100 demo accounts (ids 10000..10099, names Person_0..Person_99) when
// the database is empty, so a restart keeps what is there and never seeds twice.
//
// Every call is a short blocking LMDB transaction (memory-mapped file, fsync on writes): run Get
// and Put on a blocking pool, never on an I/O thread. Check is a read transaction that touches
// only LMDB's meta pages, cheap enough for a health check.
//
// Thread-safe: LMDB allows concurrent readers and one writer; the environment is opened with
// MDB_NOTLS so read transactions are not tied to threads. Several processes may open the same
// directory (LMDB's lock file coordinates them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lib/base/status.h"

namespace cairn::accountservice {

struct Account {
  std::string id;
  std::string name;

  friend bool operator==(const Account&, const Account&) = default;
};

// The demo data: ids kFirstAccountId .. kFirstAccountId + kSeedAccounts - 1.
inline constexpr int kSeedAccounts = 100;
inline constexpr int kFirstAccountId = 10000;
// Ids longer than this are never stored (LMDB keys are at most 511 bytes).
inline constexpr std::size_t kMaxAccountIdBytes = 64;

struct AccountStoreOptions {
  // Upper bound of the database file (LMDB's map size); the file grows up to it.
  std::uint64_t map_size_bytes = 64ull * 1024 * 1024;
  bool seed = true;  // seed the demo accounts into an empty database
};

// {"id":"...","name":"..."}; the stored form of an account.
std::string EncodeAccount(const Account& account);
// The stored form back; Internal naming what is wrong for anything else.
Result<Account> DecodeAccount(std::string_view json);

class AccountStore {
 public:
  // Opens (creating when missing) the environment in `directory`. InvalidArgument for an empty
  // path; Unavailable with LMDB's reason when the directory or environment cannot be opened.
  static Result<std::unique_ptr<AccountStore>> Open(const std::string& directory,
                                                    AccountStoreOptions options = {});
  ~AccountStore();
  AccountStore(const AccountStore&) = delete;
  AccountStore& operator=(const AccountStore&) = delete;

  // The account with this id. NotFound ("No account found for <id>") when there is none,
  // including empty and over-long ids; Internal when the stored value is not an account;
  // Unavailable when LMDB fails.
  Result<Account> Get(std::string_view id) const;

  // Inserts or replaces an account. InvalidArgument for an empty or over-long id.
  Status Put(const Account& account);

  // Number of accounts stored.
  Result<std::size_t> Count() const;

  // OK when the database answers a read transaction; Unavailable otherwise.
  Status Check() const;

  // How many accounts Open seeded (0 when the database already had accounts).
  int seeded() const { return seeded_; }
  const std::string& directory() const { return directory_; }

 private:
  struct Env;
  AccountStore(std::string directory, std::unique_ptr<Env> env);
  Status SeedIfEmpty();

  std::string directory_;
  std::unique_ptr<Env> env_;
  int seeded_ = 0;
};

}  // namespace cairn::accountservice
