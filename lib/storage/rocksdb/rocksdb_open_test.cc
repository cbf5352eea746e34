// Opening the RocksDB store: every way a directory can be unusable gives an error that names the
// directory and what is wrong, and leaves the directory as it was.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "lib/storage/rocksdb/rocksdb_store_fixture.h"

namespace cairn::storage::testing {
namespace {

using ::testing::HasSubstr;

class RocksOpenTest : public RocksStoreTest {
 protected:
  Status OpenStatus() {
    Result<std::unique_ptr<RocksDBSpanStore>> opened = RocksDBSpanStore::Open(options_);
    return opened.ok() ? Status::Ok() : opened.status();
  }
  static void WriteFile(const std::string& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
  }
};

TEST_F(RocksOpenTest, CreatesMissingDirectoriesAndReopens) {
  options_.path = root_ + "/a/b/c";
  Open();
  Accept(ThreeTierTrace("a", kTodayUs));
  Open();
  EXPECT_EQ(GetTrace("a").size(), 4u);
}

TEST_F(RocksOpenTest, RefusesAPathThatIsAFile) {
  options_.path = root_ + "/file";
  WriteFile(options_.path, "hello");
  Status status = OpenStatus();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(options_.path));
  EXPECT_THAT(status.message(), HasSubstr("not a directory"));
}

TEST_F(RocksOpenTest, RefusesADirectoryHoldingOtherFiles) {
  options_.path = root_ + "/photos";
  std::filesystem::create_directories(options_.path);
  WriteFile(options_.path + "/cat.jpg", "jpeg");
  Status status = OpenStatus();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(options_.path));
  EXPECT_THAT(status.message(), HasSubstr("not empty"));
  // Nothing was added.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(options_.path),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(RocksOpenTest, RefusesAnotherApplicationsRocksDbWithoutTouchingIt) {
  options_.path = root_ + "/other";
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, options_.path, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "their", "data").ok());
    delete db;
  }
  Status status = OpenStatus();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(options_.path));
  EXPECT_THAT(status.message(), HasSubstr("not a cairn store"));

  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), options_.path, &families).ok());
  EXPECT_EQ(families, std::vector<std::string>{"default"});
}

TEST_F(RocksOpenTest, RefusesAStoreOfAnotherFormat) {
  Open();
  store_.reset();
  {
    rocksdb::Options options;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, options_.path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) descriptors.emplace_back(name, options);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, options_.path, descriptors, &handles, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "mformat", "cairn-rocksdb-99").ok());
    for (auto* handle : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    delete db;
  }
  Status status = OpenStatus();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("cairn-rocksdb-99"));
  EXPECT_THAT(status.message(), HasSubstr(options_.path));
}

TEST_F(RocksOpenTest, ReportsCorruption) {
  Open();
  Accept(ThreeTierTrace("a", kTodayUs));
  store_.reset();
  std::string current;
  std::ifstream(options_.path + "/CURRENT") >> current;
  WriteFile(options_.path + "/" + current, "this is not a manifest");
  Status status = OpenStatus();
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(options_.path));
  EXPECT_THAT(status.message(), HasSubstr("Corruption"));
}

TEST_F(RocksOpenTest, ReportsADirectoryInUseByThisProcess) {
  Open();
  Status status = OpenStatus();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr(options_.path));
  EXPECT_THAT(status.message(), HasSubstr("another cairn-server"));
  // The first store is unharmed.
  Accept(ThreeTierTrace("a", kTodayUs));
  EXPECT_EQ(GetTrace("a").size(), 4u);
}

TEST_F(RocksOpenTest, ReportsADirectoryLockedByAnotherProcess) {
  int ready[2];
  int done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    Result<std::unique_ptr<RocksDBSpanStore>> opened = RocksDBSpanStore::Open(options_);
    const char byte = opened.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    char ignored;
    (void)!::read(done[0], &ignored, 1);  // hold the lock until the parent is done
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');
  Status status = OpenStatus();
  (void)!::write(done[1], "x", 1);
  int exit_status = 0;
  ::waitpid(child, &exit_status, 0);
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr(options_.path));
  EXPECT_THAT(status.message(), HasSubstr("another cairn-server"));
  // Once the other process is gone the directory opens.
  EXPECT_TRUE(OpenStatus().ok());
  for (int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
}

TEST_F(RocksOpenTest, RejectsInvalidOptions) {
  options_.retention = std::chrono::seconds(0);
  EXPECT_EQ(OpenStatus().code(), StatusCode::kInvalidArgument);
  options_.retention = std::chrono::hours(1);
  options_.bucket_length = std::chrono::seconds(-1);
  EXPECT_EQ(OpenStatus().code(), StatusCode::kInvalidArgument);
  options_.bucket_length = std::chrono::hours(1);
  options_.path = "";
  EXPECT_EQ(OpenStatus().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::storage::testing
