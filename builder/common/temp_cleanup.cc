#include "builder/common/temp_cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace stowage {
namespace {

enum SlotState : int { kFree = 0, kFilling = 1, kLive = 2 };

struct Slot {
  std::atomic<int> state{kFree};
  bool is_directory = false;
  char path[PATH_MAX];
};
static_assert(std::atomic<int>::is_always_lock_free, "slots are read from a signal handler");

Slot g_slots[kMaxRegisteredTemporaries];

// The kernel's getdents64 record; glibc's readdir is not async-signal-safe.
struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

// Deep enough for any tree stowage writes (image paths are at most 4096 bytes, so a chain of
// single-letter directories is at most 2048 deep) while keeping the handler's stack small;
// anything deeper is left (the handler is a last resort, not the normal path).
constexpr int kMaxRemoveDepth = 2048;

// Removes `name` under `parent_fd` and everything in it, with system calls only.
void RemoveTreeAt(int parent_fd, const char* name, int depth) {
  int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    unlinkat(parent_fd, name, 0);  // a file (or already gone)
    return;
  }
  if (depth < kMaxRemoveDepth) {
    // Removing entries while reading a directory may skip some: read again until a pass
    // removes nothing.
    bool removed = true;
    while (removed) {
      removed = false;
      lseek(fd, 0, SEEK_SET);
      alignas(8) char buf[1024];
      while (true) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
        if (n <= 0) break;
        for (long off = 0; off < n;) {
          auto* d = reinterpret_cast<LinuxDirent64*>(buf + off);
          off += d->d_reclen;
          if (std::strcmp(d->d_name, ".") == 0 || std::strcmp(d->d_name, "..") == 0) continue;
          if (d->d_type == DT_DIR || (unlinkat(fd, d->d_name, 0) != 0 && errno == EISDIR)) {
            RemoveTreeAt(fd, d->d_name, depth + 1);
          }
          removed = true;
        }
      }
    }
  }
  close(fd);
  unlinkat(parent_fd, name, AT_REMOVEDIR);
}

void RemoveAll() {
  int saved = errno;
  for (Slot& slot : g_slots) {
    if (slot.state.load(std::memory_order_acquire) != kLive) continue;
    if (slot.is_directory) {
      RemoveTreeAt(AT_FDCWD, slot.path, 0);
    } else {
      unlink(slot.path);
    }
  }
  errno = saved;
}

void OnFatalSignal(int sig) {
  RemoveAll();
  // SA_RESETHAND restored the default action; the signal is blocked while this handler runs,
  // so it is delivered (and ends the process as it would have) as soon as the handler returns.
  raise(sig);
}

void InstallHandlersOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT}) {
      struct sigaction old = {};
      if (sigaction(sig, nullptr, &old) != 0) continue;
      if ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL) continue;
      struct sigaction sa = {};
      sa.sa_handler = OnFatalSignal;
      sigemptyset(&sa.sa_mask);
      sa.sa_flags = SA_RESETHAND;
      sigaction(sig, &sa, nullptr);
    }
  });
}

}  // namespace

int RegisterTemporary(const std::string& path, bool is_directory) {
  InstallHandlersOnce();
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kMaxRegisteredTemporaries; ++i) {
    int expected = kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, kFilling, std::memory_order_acquire)) {
      continue;
    }
    g_slots[i].is_directory = is_directory;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].state.store(kLive, std::memory_order_release);
    return i;
  }
  return -1;
}

void RemoveRegisteredTemporaries() { RemoveAll(); }

void UnregisterTemporary(int handle) {
  if (handle < 0 || handle >= kMaxRegisteredTemporaries) return;
  g_slots[handle].state.store(kFree, std::memory_order_release);
}

}  // namespace stowage
