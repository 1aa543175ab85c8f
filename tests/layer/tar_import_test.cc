// oci_image `tars`: a tar made elsewhere, in any compression, described as a layer in one pass.
#include "builder/layer/tar_import.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "builder/common/files.h"
#include "builder/digest/sha256.h"
#include "gtest/gtest.h"
#include "tests/layer/tar_reader.h"

namespace stowage {
namespace {

// A two-entry tar, written by libarchive with `filter` (ARCHIVE_FILTER_*).
std::string MakeTar(int filter) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter(a, filter);
  std::string out(1 << 20, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used), ARCHIVE_OK);
  for (const char* name : {"etc/greeting", "app/data"}) {
    std::string body = std::string(name) + ": " + std::string(5000, 'x');
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(body.size()));
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    EXPECT_EQ(archive_write_data(a, body.data(), body.size()),
              static_cast<la_ssize_t>(body.size()));
    archive_entry_free(e);
  }
  EXPECT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
  out.resize(used);
  return out;
}

std::string Write(const std::string& name, const std::string& bytes) {
  std::string path = testing::TempDir() + "/" + name;
  EXPECT_TRUE(WriteFileAtomically(path, bytes).ok());
  return path;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

TEST(TarImport, KeepsEachLayerCompressionAndHashesBothStreams) {
  std::string plain = MakeTar(ARCHIVE_FILTER_NONE);
  struct Case {
    int filter;
    Compression compression;
    const char* name;
  };
  for (const Case& c : {Case{ARCHIVE_FILTER_NONE, Compression::kNone, "a.tar"},
                        Case{ARCHIVE_FILTER_GZIP, Compression::kGzip, "a.tar.gz"},
                        Case{ARCHIVE_FILTER_ZSTD, Compression::kZstd, "a.tar.zst"}}) {
    std::string bytes = c.filter == ARCHIVE_FILTER_NONE ? plain : MakeTar(c.filter);
    TarImportOptions options;
    options.tar_path = Write(c.name, bytes);
    options.expect = c.compression;
    auto d = ImportTar(options);
    ASSERT_TRUE(d.ok()) << c.name << ": " << d.status();
    EXPECT_EQ(d->compression, c.compression) << c.name;
    EXPECT_EQ(d->diff_id, Sha256Digest(plain)) << c.name;
    EXPECT_EQ(d->digest, Sha256Digest(bytes)) << c.name;
    EXPECT_EQ(d->size, static_cast<int64_t>(bytes.size())) << c.name;
    EXPECT_EQ(d->uncompressed_size, static_cast<int64_t>(plain.size())) << c.name;
    EXPECT_EQ(d->entries, 2) << c.name;
  }
}

TEST(TarImport, RecompressesWhatIsNotALayerCompression) {
  std::string plain = MakeTar(ARCHIVE_FILTER_NONE);
  TarImportOptions options;
  options.tar_path = Write("b.tar.xz", MakeTar(ARCHIVE_FILTER_XZ));
  auto kept = ImportTar(options);
  ASSERT_FALSE(kept.ok());
  EXPECT_TRUE(absl::StrContains(kept.status().message(), "tars_compression")) << kept.status();

  LayerOptions to;
  to.compression = Compression::kGzip;
  to.level = 6;
  to.threads = 2;
  options.recompress = to;
  options.output = testing::TempDir() + "/b.layer.tar.gz";
  auto d = ImportTar(options);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->compression, Compression::kGzip);
  EXPECT_EQ(d->diff_id, Sha256Digest(plain));
  auto blob = ReadFile(options.output);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(d->digest, Sha256Digest(*blob));
  std::vector<ReadEntry> entries = ReadTar(*blob);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "etc/greeting");
}

TEST(TarImport, CopiesBytesThatAlreadyHaveTheAskedCompression) {
  std::string gz = MakeTar(ARCHIVE_FILTER_GZIP);
  TarImportOptions options;
  options.tar_path = Write("c.unknown-extension", gz);
  LayerOptions to;
  to.compression = Compression::kGzip;
  options.recompress = to;
  options.output = testing::TempDir() + "/c.out";
  auto d = ImportTar(options);
  ASSERT_TRUE(d.ok()) << d.status();
  auto blob = ReadFile(options.output);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*blob, gz);
  EXPECT_EQ(d->digest, Sha256Digest(gz));
}

TEST(TarImport, BadInputIsAnErrorAndLeavesNothing) {
  std::string gz = MakeTar(ARCHIVE_FILTER_GZIP);
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  for (const Case& c : {
           Case{"empty.tar", "", "is empty"},
           Case{"text.tar", std::string(3000, 'a'), "not a tar archive"},
           Case{"truncated.tar.gz", gz.substr(0, gz.size() / 2), "cannot decompress"},
           Case{"lying.tar.zst", gz, "is gzip, not zstd"},
       }) {
    TarImportOptions options;
    options.tar_path = Write(c.name, c.bytes);
    if (absl::EndsWith(c.name, ".zst")) options.expect = Compression::kZstd;
    LayerOptions to;
    to.compression = Compression::kZstd;
    options.recompress = to;
    options.output = testing::TempDir() + "/" + c.name + ".out";
    auto d = ImportTar(options);
    ASSERT_FALSE(d.ok()) << c.name;
    EXPECT_TRUE(absl::StrContains(d.status().message(), c.message)) << c.name << ": " << d.status();
    EXPECT_TRUE(absl::StrContains(d.status().message(), c.name)) << d.status();
    EXPECT_FALSE(Exists(options.output)) << c.name;
  }
}

// A tar from outside must not choose a program to run: lrzip, lzop and grzip bytes (which
// libarchive hands to an external decompressor) are not a compression stowage reads.
TEST(TarImport, NeverRunsAnExternalDecompressor) {
  std::string dir = testing::TempDir() + "/fake-programs";
  mkdir(dir.c_str(), 0755);
  std::string marker = dir + "/ran";
  for (const char* program : {"lrzip", "lzop", "grzip"}) {
    std::string path = dir + "/" + program;
    std::ofstream(path) << "#!/bin/sh\ntouch " << marker << "\ncat >/dev/null\n";
    chmod(path.c_str(), 0755);
  }
  std::string old_path = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", (dir + ":" + old_path).c_str(), 1);
  const std::string tail(4096, '\x01');
  for (const std::string& bytes :
       {std::string("LRZI\x00\x06", 6) + tail, std::string("\x89LZO\x00\x0d\x0a\x1a\x0a", 9) + tail,
        std::string("GRZipII\x00\x02\x04:)", 12) + tail}) {
    TarImportOptions options;
    options.tar_path = Write("foreign.tar", bytes);
    auto d = ImportTar(options);
    EXPECT_FALSE(d.ok());
  }
  setenv("PATH", old_path.c_str(), 1);
  EXPECT_FALSE(Exists(marker)) << "an external decompressor was run";
}

}  // namespace
}  // namespace stowage
