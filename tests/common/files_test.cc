#include "builder/common/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <set>
#include <stdexcept>

#include "builder/common/json_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

using ::testing::HasSubstr;

std::string TempDir() {
  std::string templ =
      std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/filesXXXXXX";
  return mkdtemp(templ.data());
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) {
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.insert(e->d_name);
  }
  closedir(d);
  return names;
}

int CountEntries(const std::string& dir) { return static_cast<int>(Entries(dir).size()); }

void Put(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string Slurp(const std::string& path) { return ReadFile(path).value_or("<unreadable>"); }

std::string LinkTarget(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
  return n < 0 ? "" : std::string(buf, n);
}

// A character device node of our own (never a system one); empty when this environment may not
// create device nodes (Bazel's sandbox), so the caller can skip.
std::string MakeDeviceNode(const std::string& dir) {
  std::string path = dir + "/null-device";
  if (mknod(path.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) return "";
  return path;
}

TEST(AtomicFileTest, CommitPublishesAndAbandonLeavesNothing) {
  std::string dir = TempDir();
  {
    auto f = AtomicFile::Create(dir + "/out");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->Write("partial").ok());
    // Destroyed without Commit: a failed command leaves nothing behind.
  }
  EXPECT_EQ(CountEntries(dir), 0);
  ASSERT_TRUE(WriteFileAtomically(dir + "/out", "done").ok());
  EXPECT_EQ(*ReadFile(dir + "/out"), "done");
  EXPECT_EQ(CountEntries(dir), 1);
  ASSERT_TRUE(WriteFileAtomically(dir + "/out", "again").ok());  // a regular file is replaced
  EXPECT_EQ(*ReadFile(dir + "/out"), "again");
  EXPECT_EQ(CountEntries(dir), 1);
}

TEST(AtomicFileTest, RefusesSymlinksFifosDevicesAndDirectories) {
  std::string dir = TempDir();
  Put(dir + "/target", "precious");
  ASSERT_EQ(symlink("target", (dir + "/link").c_str()), 0);
  ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0644), 0);
  ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0755), 0);
  for (const char* name : {"link", "fifo", "sub"}) {
    absl::Status s = WriteFileAtomically(dir + "/" + name, "new");
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_THAT(std::string(s.message()), HasSubstr("refusing to replace")) << s;
  }
  EXPECT_EQ(LinkTarget(dir + "/link"), "target");  // the link itself is still there
  EXPECT_EQ(Slurp(dir + "/target"), "precious");
  struct stat st;
  ASSERT_EQ(lstat((dir + "/fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(Entries(dir), (std::set<std::string>{"fifo", "link", "sub", "target"}));

  std::string device = MakeDeviceNode(dir);
  if (device.empty()) GTEST_SKIP() << "cannot create a device node here";
  absl::Status s = WriteFileAtomically(device, "new");
  EXPECT_THAT(std::string(s.message()), HasSubstr("it is a character device")) << s;
  ASSERT_EQ(lstat(device.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(AtomicFileTest, CommitChecksAgainWhatAppearedMeanwhile) {
  std::string dir = TempDir();
  Put(dir + "/target", "precious");
  auto f = AtomicFile::Create(dir + "/out");
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->Write("new").ok());
  // Between the check in Create() and the rename, someone puts a symlink there.
  ASSERT_EQ(symlink("target", (dir + "/out").c_str()), 0);
  absl::Status s = f->Commit();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("it is a symlink")) << s;
  EXPECT_EQ(LinkTarget(dir + "/out"), "target");
  EXPECT_EQ(Slurp(dir + "/target"), "precious");
  EXPECT_EQ(Entries(dir), (std::set<std::string>{"out", "target"}));
}

TEST(CommitOutputsTest, AllOrNothingRestoresWhatWasReplaced) {
  std::string dir = TempDir();
  Put(dir + "/a", "old a");
  Put(dir + "/b", "old b");
  auto a = AtomicFile::Create(dir + "/a");
  auto b = AtomicFile::Create(dir + "/b");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->Write("new a").ok());
  ASSERT_TRUE(b->Write("new b").ok());
  // b cannot be installed any more: a must not stay half-committed.
  ASSERT_EQ(unlink((dir + "/b").c_str()), 0);
  ASSERT_EQ(mkfifo((dir + "/b").c_str(), 0644), 0);
  ASSERT_FALSE(CommitOutputs({&*a, &*b}).ok());
  EXPECT_EQ(Slurp(dir + "/a"), "old a");
  EXPECT_EQ(Entries(dir), (std::set<std::string>{"a", "b"}));

  auto c = AtomicFile::Create(dir + "/a");
  auto d = AtomicFile::Create(dir + "/d");
  ASSERT_TRUE(c.ok() && d.ok());
  ASSERT_TRUE(c->Write("new a").ok());
  ASSERT_TRUE(d->Write("new d").ok());
  ASSERT_TRUE(CommitOutputs({&*c, &*d}).ok());
  EXPECT_EQ(Slurp(dir + "/a"), "new a");
  EXPECT_EQ(Slurp(dir + "/d"), "new d");
  EXPECT_EQ(Entries(dir), (std::set<std::string>{"a", "b", "d"}));
}

TEST(OutputDirectoryTest, ReplacesOnlyEmptyOrOwnDirectories) {
  std::string root = TempDir();
  std::string out = root + "/out";
  ASSERT_EQ(mkdir(out.c_str(), 0755), 0);  // as Bazel pre-creates a tree artifact
  auto write = [&](const std::string& path, const std::string& text) -> absl::Status {
    auto dir = OutputDirectory::Create(path);
    if (!dir.ok()) return dir.status();
    Put(dir->temp_path() + "/file", text);
    return dir->Commit();
  };
  ASSERT_TRUE(write(out, "one").ok());
  EXPECT_EQ(Slurp(out + "/file"), "one");
  if (IsMarkedStowageOutput(out)) {  // the file system keeps user attributes
    ASSERT_TRUE(write(out + "/", "two").ok());
    EXPECT_EQ(Slurp(out + "/file"), "two");
  }
  EXPECT_EQ(Entries(root), std::set<std::string>{"out"});

  std::string foreign = root + "/foreign";
  ASSERT_EQ(mkdir(foreign.c_str(), 0755), 0);
  Put(foreign + "/mine.txt", "precious");
  absl::Status s = write(foreign, "x");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("non-empty directory that stowage did not write"));
  EXPECT_EQ(Entries(foreign), std::set<std::string>{"mine.txt"});

  ASSERT_EQ(symlink("out", (root + "/link").c_str()), 0);
  s = write(root + "/link", "x");
  EXPECT_THAT(std::string(s.message()), HasSubstr("it is a symlink"));
  EXPECT_EQ(LinkTarget(root + "/link"), "out");

  Put(root + "/plain", "a file");
  s = write(root + "/plain", "x");
  EXPECT_THAT(std::string(s.message()), HasSubstr("it is a regular file"));
  EXPECT_EQ(Entries(root), (std::set<std::string>{"foreign", "link", "out", "plain"}));
}

TEST(OutputDirectoryTest, NeverTheWorkingDirectory) {
  std::string root = TempDir();
  std::string work = root + "/work";
  ASSERT_EQ(mkdir(work.c_str(), 0755), 0);
  char old[4096];
  ASSERT_NE(getcwd(old, sizeof(old)), nullptr);
  ASSERT_EQ(chdir(work.c_str()), 0);
  absl::StatusOr<OutputDirectory> here = OutputDirectory::Create(".");
  absl::StatusOr<OutputDirectory> parent = OutputDirectory::Create("..");
  ASSERT_EQ(chdir(old), 0);
  ASSERT_FALSE(here.ok());
  EXPECT_THAT(std::string(here.status().message()), HasSubstr("current directory"));
  ASSERT_FALSE(parent.ok());
  EXPECT_EQ(Entries(root), std::set<std::string>{"work"});
  EXPECT_EQ(CountEntries(work), 0);
}

TEST(CheckOutputPathsTest, SameFileInsideADirectoryOrAnInput) {
  std::string dir = TempDir();
  ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0755), 0);
  absl::Status s =
      CheckOutputPaths({{"--output", dir + "/x"}, {"--descriptor", dir + "/sub/../x"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("--output and --descriptor name the same file"));
  s = CheckOutputPaths(
      {{"--out", dir + "/tree", OutputKind::kDirectory}, {"--manifest", dir + "/tree/m.json"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("is inside the directory output --out"));
  s = CheckOutputPaths({{"--output", dir + "/spec.json"}}, {{"--spec", dir + "/./spec.json"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("is also the input --spec"));
  ASSERT_EQ(symlink("/nowhere", (dir + "/link").c_str()), 0);
  s = CheckOutputPaths({{"--output", dir + "/link"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("--output: refusing to replace"));
  EXPECT_TRUE(
      CheckOutputPaths({{"--output", dir + "/a"}, {"--descriptor", dir + "/b"}}, {{"--spec", dir}})
          .ok());
}

TEST(CheckOutputPathsTest, OtherNamesOfOneFile) {
  std::string dir = TempDir();
  ASSERT_EQ(mkdir((dir + "/real").c_str(), 0755), 0);
  ASSERT_EQ(symlink("real", (dir + "/alias").c_str()), 0);
  // A symlinked directory: alias/x is real/x.
  absl::Status s =
      CheckOutputPaths({{"--output", dir + "/real/x"}, {"--descriptor", dir + "/alias/x"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("name the same file")) << s;
  // A hard link: two names, one file.
  Put(dir + "/blob", "old");
  ASSERT_EQ(link((dir + "/blob").c_str(), (dir + "/hard").c_str()), 0);
  s = CheckOutputPaths({{"--output", dir + "/blob"}, {"--descriptor", dir + "/hard"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("name the same file")) << s;
  s = CheckOutputPaths({{"--output", dir + "/blob"}}, {{"--spec", dir + "/hard"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("is also the input --spec")) << s;
  // An input that is a symlink (as Bazel presents inputs) to an output, or into a directory
  // output.
  ASSERT_EQ(symlink((dir + "/blob").c_str(), (dir + "/spec-link").c_str()), 0);
  s = CheckOutputPaths({{"--output", dir + "/blob"}}, {{"--spec", dir + "/spec-link"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("is also the input --spec")) << s;
  ASSERT_EQ(mkdir((dir + "/tree").c_str(), 0755), 0);  // empty, as Bazel pre-creates it
  ASSERT_EQ(symlink((dir + "/tree").c_str(), (dir + "/in-link").c_str()), 0);
  s = CheckOutputPaths({{"--out", dir + "/tree", OutputKind::kDirectory}},
                       {{"--spec", dir + "/in-link"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("is inside the directory output --out")) << s;
  EXPECT_EQ(Slurp(dir + "/blob"), "old");
}

TEST(CheckDirectoryToFillTest, OnlyMissingEmptyOwnAndNoOverlap) {
  std::string dir = TempDir();
  EXPECT_TRUE(CheckDirectoryToFill("--output", dir + "/missing", "pull.json").ok());
  ASSERT_EQ(mkdir((dir + "/empty").c_str(), 0755), 0);
  EXPECT_TRUE(CheckDirectoryToFill("--output", dir + "/empty", "pull.json").ok());
  ASSERT_EQ(mkdir((dir + "/theirs").c_str(), 0755), 0);
  Put(dir + "/theirs/notes.txt", "mine");
  absl::Status s = CheckDirectoryToFill("--output", dir + "/theirs", "pull.json");
  EXPECT_THAT(std::string(s.message()), HasSubstr("non-empty directory that stowage did not")) << s;
  ASSERT_EQ(mkdir((dir + "/earlier").c_str(), 0755), 0);
  Put(dir + "/earlier/pull.json", "{}");
  EXPECT_TRUE(CheckDirectoryToFill("--output", dir + "/earlier", "pull.json").ok());
  ASSERT_EQ(symlink("empty", (dir + "/link").c_str()), 0);
  s = CheckDirectoryToFill("--output", dir + "/link", "pull.json");
  EXPECT_THAT(std::string(s.message()), HasSubstr("it is a symlink")) << s;
  Put(dir + "/file", "x");
  s = CheckDirectoryToFill("--output", dir + "/file", "pull.json");
  EXPECT_THAT(std::string(s.message()), HasSubstr("it is a regular file")) << s;
  // Overlaps with an input, whichever way round and through a symlinked input.
  ASSERT_EQ(mkdir((dir + "/layout").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((dir + "/layout/blobs").c_str(), 0755), 0);
  ASSERT_EQ(symlink("layout", (dir + "/layout-link").c_str()), 0);
  for (const std::string& out :
       {dir + "/layout", dir + "/layout/blobs", dir + "/layout/new", dir + "/layout-link/blobs"}) {
    s = CheckDirectoryToFill("--output", out, "pull.json", {{"--layout", dir + "/layout-link"}});
    EXPECT_THAT(std::string(s.message()), HasSubstr("overlap")) << out << ": " << s;
  }
  s = CheckDirectoryToFill("--output", dir, "pull.json", {{"--layout", dir + "/layout"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("overlap")) << s;
  EXPECT_TRUE(CheckDirectoryToFill("--output", dir + "/missing", "pull.json",
                                   {{"--layout", dir + "/layout"}})
                  .ok());
}

TEST(ReadFileTest, OnlyRegularFilesAndBounded) {
  std::string dir = TempDir();
  Put(dir + "/small", "12345");
  EXPECT_EQ(*ReadFile(dir + "/small"), "12345");
  absl::StatusOr<std::string> capped = ReadFile(dir + "/small", 4);
  ASSERT_FALSE(capped.ok());
  EXPECT_THAT(std::string(capped.status().message()),
              HasSubstr("larger than the limit of 4 bytes"));

  // A FIFO nobody writes to: an error at once, not a read that blocks forever.
  ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0644), 0);
  absl::StatusOr<std::string> fifo = ReadFile(dir + "/fifo");
  ASSERT_FALSE(fifo.ok());
  EXPECT_THAT(std::string(fifo.status().message()), HasSubstr("is a FIFO, not a regular file"));
  ASSERT_EQ(symlink("fifo", (dir + "/to-fifo").c_str()), 0);
  EXPECT_FALSE(ReadFile(dir + "/to-fifo").ok());
  EXPECT_FALSE(ReadFile(dir).ok());

  // Where a pipe is allowed (a path given on the command line may be `<(...)`), a FIFO nobody
  // writes to reads as empty at once, and one somebody writes to gives what was written.
  EXPECT_EQ(ReadFile(dir + "/fifo", 100, PipePolicy::kAllow).value_or("error"), "");
  pid_t writer = fork();
  if (writer == 0) {
    int fd = open((dir + "/fifo").c_str(), O_WRONLY);
    (void)!write(fd, "piped", 5);
    _exit(0);
  }
  // The writer may open before or after the reader; either way the read ends (EOF after the
  // writer closes, or at once when it has not opened yet, then it gets SIGPIPE/ENXIO).
  absl::StatusOr<std::string> piped = ReadFile(dir + "/fifo", 100, PipePolicy::kAllow);
  ASSERT_TRUE(piped.ok()) << piped.status();
  EXPECT_TRUE(*piped == "piped" || piped->empty()) << *piped;
  kill(writer, SIGKILL);
  waitpid(writer, nullptr, 0);
  EXPECT_EQ(ReadFile(dir + "/small", 4, PipePolicy::kAllow).status().code(),
            absl::StatusCode::kResourceExhausted);

  std::string device = MakeDeviceNode(dir);
  if (device.empty()) GTEST_SKIP() << "cannot create a device node here";
  EXPECT_FALSE(ReadFile(device, 100, PipePolicy::kAllow).ok());
  absl::StatusOr<std::string> dev = ReadFile(device);
  EXPECT_THAT(std::string(dev.status().message()), HasSubstr("is a character device"));
}

// Runs `body` in a child process that must die by `signal`; returns what the child left in dir.
std::set<std::string> LeftAfterDeath(const std::string& dir, int signal,
                                     const std::function<void()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);  // not reached when the body dies as it should
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << status;
  if (WIFSIGNALED(status)) {
    EXPECT_EQ(WTERMSIG(status), signal);
  }
  return Entries(dir);
}

TEST(TempCleanupTest, FatalSignalsAndTerminateRemoveTemporaries) {
  std::string dir = TempDir();
  auto stage = [&] {
    auto file = AtomicFile::Create(dir + "/blob");
    auto tree = OutputDirectory::Create(dir + "/tree");
    if (!file.ok() || !tree.ok()) _exit(3);
    (void)file->Write("half");
    mkdir((tree->temp_path() + "/sub").c_str(), 0755);
    Put(tree->temp_path() + "/sub/file", "half");
    return std::make_pair(std::move(*file), std::move(*tree));
  };
  EXPECT_EQ(LeftAfterDeath(dir, SIGTERM,
                           [&] {
                             auto outputs = stage();
                             raise(SIGTERM);
                           }),
            std::set<std::string>{});
  // An exception nobody catches (a thread that cannot be created) ends in std::terminate,
  // which unwinds no destructor: the SIGABRT handler still removes the temporaries.
  EXPECT_EQ(LeftAfterDeath(dir, SIGABRT,
                           [&]() noexcept {
                             auto outputs = stage();
                             throw std::runtime_error("nobody catches this");
                           }),
            std::set<std::string>{});
}

TEST(JsonFileTest, CanonicalIsSortedAndCompact) {
  nlohmann::json j = {{"b", 1}, {"a", {{"z", "é"}, {"c", true}}}};
  EXPECT_EQ(CanonicalJson(j).value(), "{\"a\":{\"c\":true,\"z\":\"é\"},\"b\":1}");
  EXPECT_FALSE(ParseJson("{", "x").ok());
  EXPECT_FALSE(ReadFile("/nonexistent/file").ok());
}

}  // namespace
}  // namespace stowage
