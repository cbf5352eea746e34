// AccountStore on a temporary directory: seeding, reads, reopening, bad ids, corrupt values and
// unusable directories.
#include "apps/landscape/accountservice/account_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <lmdb.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace cairn::accountservice {
namespace {

using ::testing::HasSubstr;

class AccountStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/accountstore-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    dir_ = root_ + "/data";  // not there yet: Open creates it
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<AccountStore> OpenStore() {
    auto store = AccountStore::Open(dir_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Writes a raw value behind the store's back, as a damaged file would hold it.
  void PutRaw(const std::string& key, const std::string& value) {
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), 0);
    ASSERT_EQ(mdb_env_set_maxdbs(env, 1), 0);
    ASSERT_EQ(mdb_env_open(env, dir_.c_str(), MDB_NOTLS, 0600), 0);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi dbi;
    ASSERT_EQ(mdb_dbi_open(txn, "accounts", 0, &dbi), 0);
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), const_cast<char*>(value.data())};
    ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }

  std::string root_;
  std::string dir_;
};

TEST_F(AccountStoreTest, SeedsTheHundredDemoAccountsOnFirstOpen) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->seeded(), 100);
  EXPECT_EQ(store->Count().value(), 100u);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/data.mdb"));

  EXPECT_EQ(store->Get("10000").value(), (Account{"10000", "Person_0"}));
  EXPECT_EQ(store->Get("10042").value(), (Account{"10042", "Person_42"}));
  EXPECT_EQ(store->Get("10099").value(), (Account{"10099", "Person_99"}));
  EXPECT_TRUE(store->Check().ok());
}

TEST_F(AccountStoreTest, UnknownAndMalformedIdsAreNotFound) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (const std::string& id :
       std::vector<std::string>{"10100", "9999", "", "10000 ", "abc", std::string(600, '1')}) {
    Result<Account> account = store->Get(id);
    ASSERT_FALSE(account.ok()) << id;
    EXPECT_EQ(account.status().code(), StatusCode::kNotFound) << id;
    EXPECT_THAT(account.status().message(), HasSubstr("No account found for"));
  }
  EXPECT_EQ(store->Get("10100").status().message(), "No account found for 10100");
}

TEST_F(AccountStoreTest, ReopeningKeepsDataAndDoesNotSeedAgain) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Put({"10000", "Renamed"}).ok());
    ASSERT_TRUE(store->Put({"20000", "Extra"}).ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->seeded(), 0);
  EXPECT_EQ(store->Count().value(), 101u);
  EXPECT_EQ(store->Get("10000").value().name, "Renamed");
  EXPECT_EQ(store->Get("20000").value().name, "Extra");
}

TEST_F(AccountStoreTest, NamesWithQuotesRoundTrip) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  const Account odd{"x\"y", "Name with \"quotes\", \\ and \xc3\xa9"};
  ASSERT_TRUE(store->Put(odd).ok());
  EXPECT_EQ(store->Get("x\"y").value(), odd);
}

TEST_F(AccountStoreTest, PutRefusesEmptyAndOverlongIds) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Put({"", "x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Put({std::string(65, '1'), "x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store->Put({std::string(64, '1'), "x"}).ok());
}

TEST_F(AccountStoreTest, CorruptValuesAreErrorsNotCrashes) {
  { ASSERT_NE(OpenStore(), nullptr); }
  PutRaw("10001", "not json");
  PutRaw("10002", "[1,2]");
  PutRaw("10003", "{\"id\":\"10003\",\"name\":7}");
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (const char* id : {"10001", "10002", "10003"}) {
    Result<Account> account = store->Get(id);
    ASSERT_FALSE(account.ok()) << id;
    EXPECT_EQ(account.status().code(), StatusCode::kInternal) << id;
    EXPECT_THAT(account.status().message(), HasSubstr(std::string("account ") + id));
  }
  EXPECT_TRUE(store->Get("10004").ok());
}

TEST_F(AccountStoreTest, SeedingCanBeTurnedOff) {
  auto store = AccountStore::Open(dir_, {.seed = false});
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Count().value(), 0u);
  EXPECT_EQ((*store)->Get("10000").status().code(), StatusCode::kNotFound);
}

TEST_F(AccountStoreTest, UnusableDirectoriesAreReported) {
  EXPECT_EQ(AccountStore::Open("").status().code(), StatusCode::kInvalidArgument);

  const std::string file = root_ + "/plain-file";
  std::ofstream(file) << "x";
  Result<std::unique_ptr<AccountStore>> on_file = AccountStore::Open(file);
  ASSERT_FALSE(on_file.ok());
  EXPECT_EQ(on_file.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(on_file.status().message(), HasSubstr(file));

  Result<std::unique_ptr<AccountStore>> below_file = AccountStore::Open(file + "/sub");
  ASSERT_FALSE(below_file.ok());
  EXPECT_EQ(below_file.status().code(), StatusCode::kUnavailable);
}

TEST(AccountCodecTest, EncodesAndDecodes) {
  EXPECT_EQ(EncodeAccount({"10000", "Person_0"}), R"({"id":"10000","name":"Person_0"})");
  EXPECT_EQ(DecodeAccount(R"({"name":"N","id":"1","extra":true})").value(), (Account{"1", "N"}));
  EXPECT_FALSE(DecodeAccount(R"({"id":"1"})").ok());
  EXPECT_FALSE(DecodeAccount("").ok());
}

}  // namespace
}  // namespace cairn::accountservice
