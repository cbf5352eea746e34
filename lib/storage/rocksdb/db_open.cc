#include "lib/storage/rocksdb/db_open.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "lib/storage/rocksdb/coding.h"
#include "lib/storage/rocksdb/keys.h"

namespace cairn::storage::rdb {
namespace {

namespace fs = std::filesystem;

Status CannotOpen(const std::string& path, const rocksdb::Status& status) {
  std::string message = "cannot open the cairn store at " + path + ": " + status.ToString();
  if (status.IsIOError() && (status.ToString().find("lock") != std::string::npos ||
                             status.ToString().find("LOCK") != std::string::npos)) {
    message += " (is another cairn-server using this directory?)";
  }
  return Unavailable(std::move(message));
}

// Creates the directory if missing; refuses a non-directory or a directory holding other things.
Result<bool> PrepareDirectory(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error && error != std::errc::no_such_file_or_directory) {
    return Unavailable("cannot use " + path + " as the cairn store directory: " + error.message());
  }
  if (!fs::exists(status)) {
    if (!fs::create_directories(path, error) && error) {
      return Unavailable("cannot create the cairn store directory " + path + ": " +
                         error.message());
    }
    return false;
  }
  if (!fs::is_directory(status)) {
    return InvalidArgument("the cairn store path " + path + " exists and is not a directory");
  }
  if (fs::exists(fs::path(path) / "CURRENT", error)) return true;
  fs::directory_iterator entries(path, error);
  if (error) {
    return Unavailable("cannot read the cairn store directory " + path + ": " + error.message());
  }
  if (entries != fs::directory_iterator()) {
    return InvalidArgument("the cairn store directory " + path +
                           " is not empty and holds no RocksDB database; use an empty or new "
                           "directory");
  }
  return false;
}

Status NotACairnStore(const std::string& path, std::string_view detail) {
  return InvalidArgument("the directory " + path +
                         " holds a RocksDB database that is not a cairn store (" +
                         std::string(detail) + ")");
}

// A database without cairn's "deps" family: another application's, or a damaged store. Looking
// read-only tells them apart without changing anything.
Status ExplainMissingDeps(const std::string& path, const rocksdb::DBOptions& db_options) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::OpenForReadOnly(
      rocksdb::Options(db_options, rocksdb::ColumnFamilyOptions()), path, &raw);
  if (!status.ok()) return CannotOpen(path, status);
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string format;
  status = db->Get(rocksdb::ReadOptions(), MetaKey("format"), &format);
  if (status.ok()) {
    return Internal("the cairn store at " + path +
                    " is damaged: its \"deps\" column family is missing");
  }
  return NotACairnStore(path, "no \"deps\" column family");
}

// A store without a format record is one whose creation was interrupted right after the
// database itself was created (the families were checked before opening).
Status CheckFormat(rocksdb::DB* db, const std::string& path) {
  std::string format;
  rocksdb::Status status = db->Get(rocksdb::ReadOptions(), MetaKey("format"), &format);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    status = db->Put(sync, MetaKey("format"), kStoreFormat);
    if (!status.ok()) return CannotOpen(path, status);
    return Status::Ok();
  }
  if (!status.ok()) return CannotOpen(path, status);
  if (format != kStoreFormat) {
    return InvalidArgument("the cairn store at " + path + " has format \"" + format +
                           "\"; this cairn-server reads \"" + std::string(kStoreFormat) + "\"");
  }
  return Status::Ok();
}

Result<std::uint64_t> BumpGeneration(rocksdb::DB* db, const std::string& path) {
  std::string value;
  std::uint64_t generation = 0;
  rocksdb::Status status = db->Get(rocksdb::ReadOptions(), MetaKey("generation"), &value);
  if (status.ok()) {
    Reader reader(value);
    if (!reader.ReadFixed64BE(generation)) {
      return Internal("the cairn store at " + path + " has a corrupt generation record");
    }
  } else if (!status.IsNotFound()) {
    return CannotOpen(path, status);
  }
  ++generation;
  if (generation >= (1ULL << 23)) {
    return Internal("the cairn store at " + path + " has been opened too many times");
  }
  value.clear();
  PutFixed64BE(value, generation);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  status = db->Put(sync, MetaKey("generation"), value);
  if (!status.ok()) return CannotOpen(path, status);
  return generation << 40;
}

Status ReadDirtyQueue(rocksdb::DB* db, const std::string& path, OpenedDb& opened) {
  const std::string prefix(1, kDirtyTag);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    Reader key(it->key().ToStringView().substr(1));
    std::uint64_t seq = 0;
    if (!key.ReadFixed64BE(seq) || it->value().size() % 8 != 0) {
      return Internal("the cairn store at " + path + " has a corrupt dirty-link queue entry");
    }
    std::vector<std::uint64_t> los;
    Reader value(it->value().ToStringView());
    std::uint64_t lo = 0;
    while (value.ReadFixed64BE(lo)) los.push_back(lo);
    opened.dirty_queue.emplace_back(seq, std::move(los));
  }
  if (!it->status().ok()) return CannotOpen(path, it->status());
  return Status::Ok();
}

}  // namespace

Result<OpenedDb> OpenDb(const std::string& path, const FamilyOptions& options) {
  if (path.empty()) return InvalidArgument("the cairn store directory is not set");
  Result<bool> existed = PrepareDirectory(path);
  if (!existed.ok()) return existed.status();

  const rocksdb::DBOptions db_options = options.Db();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, options.Default());
  descriptors.emplace_back(std::string(kDepsFamily), options.Deps());
  if (*existed) {
    std::vector<std::string> names;
    rocksdb::Status status = rocksdb::DB::ListColumnFamilies(db_options, path, &names);
    if (!status.ok()) return CannotOpen(path, status);
    // Checked before opening, which would otherwise add cairn's families to a foreign database.
    if (std::find(names.begin(), names.end(), kDepsFamily) == names.end()) {
      return ExplainMissingDeps(path, db_options);
    }
    for (const std::string& name : names) {
      if (name == rocksdb::kDefaultColumnFamilyName || name == kDepsFamily) continue;
      std::optional<BucketFamilyNameParts> bucket = ParseBucketFamilyName(name);
      if (!bucket) return NotACairnStore(path, "unknown column family \"" + name + "\"");
      descriptors.emplace_back(
          name, bucket->family == BucketFamily::kSpans ? options.Spans() : options.Index());
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw);
  if (!status.ok()) return CannotOpen(path, status);
  OpenedDb opened;
  opened.db.reset(raw);
  // handles[0] is the default family, which the DB owns.
  (void)opened.db->DestroyColumnFamilyHandle(handles[0]);
  opened.deps = handles[1];
  opened.bucket_families.assign(handles.begin() + 2, handles.end());

  Status checked = CheckFormat(opened.db.get(), path);
  if (checked.ok()) {
    Result<std::uint64_t> first_seq = BumpGeneration(opened.db.get(), path);
    if (first_seq.ok()) {
      opened.first_seq = *first_seq;
      checked = ReadDirtyQueue(opened.db.get(), path, opened);
    } else {
      checked = first_seq.status();
    }
  }
  if (!checked.ok()) {
    CloseDb(opened);
    return checked;
  }
  return opened;
}

void CloseDb(OpenedDb& opened) {
  if (!opened.db) return;
  if (opened.deps != nullptr) (void)opened.db->DestroyColumnFamilyHandle(opened.deps);
  for (rocksdb::ColumnFamilyHandle* handle : opened.bucket_families) {
    (void)opened.db->DestroyColumnFamilyHandle(handle);
  }
  opened.deps = nullptr;
  opened.bucket_families.clear();
  (void)opened.db->Close();
  opened.db.reset();
}

}  // namespace cairn::storage::rdb
