#include "builder/registry/progress.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "builder/common/threads.h"

namespace stowage {
namespace registry {

std::string HumanBytes(int64_t bytes) {
  if (bytes < 1000) return absl::StrFormat("%d B", bytes);
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes) / 1000.0;
  int u = 0;
  while (v >= 1000.0 && u < 3) {
    v /= 1000.0;
    ++u;
  }
  return absl::StrFormat("%.1f %s", v, units[u]);
}

std::string ShortDigest(const std::string& digest) {
  size_t colon = digest.find(':');
  if (colon == std::string::npos || digest.size() < colon + 13) return digest;
  return digest.substr(0, colon + 13) + "\u2026";
}

Progress::Progress(bool live) : live_(live) {
  if (!live_) return;
  absl::StatusOr<std::thread> renderer =
      StartThread([this] { RenderLoop(); }, "the progress display thread");
  if (renderer.ok()) {
    renderer_ = *std::move(renderer);
  } else {
    live_ = false;
  }
}

Progress::~Progress() { Stop(); }

void Progress::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    if (live_) ClearLocked();
  }
  if (renderer_.joinable()) renderer_.join();
}

void Progress::Start(const std::string& digest, const std::string& kind, int64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  active_[digest] = Active{kind, total, 0, absl::Now()};
  order_.push_back(digest);
}

void Progress::Advance(const std::string& digest, int64_t delta) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(digest);
  if (it != active_.end()) it->second.done += delta;
}

void Progress::Done(const std::string& digest, const std::string& verb, int64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(digest);
  double seconds = 0;
  std::string kind;
  if (it != active_.end()) {
    seconds = absl::ToDoubleSeconds(absl::Now() - it->second.started);
    kind = it->second.kind;
    active_.erase(it);
  }
  order_.erase(std::remove(order_.begin(), order_.end(), digest), order_.end());
  if (live_) ClearLocked();
  std::string line = absl::StrFormat("%s %s %s", verb, ShortDigest(digest), kind);
  if (verb == "pushed" || verb == "pulled") {
    absl::StrAppendFormat(&line, " %s in %.1fs", HumanBytes(bytes), seconds);
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  if (live_) RedrawLocked();
}

void Progress::Line(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (live_) ClearLocked();
  std::fprintf(stderr, "%s\n", text.c_str());
  if (live_) RedrawLocked();
}

void Progress::ClearLocked() {
  // Move up over the lines drawn last time and erase them.
  for (int i = 0; i < drawn_lines_; ++i) std::fprintf(stderr, "\033[1A\033[2K");
  drawn_lines_ = 0;
}

void Progress::RedrawLocked() {
  if (stopping_) return;
  absl::Time now = absl::Now();
  for (const std::string& digest : order_) {
    const Active& a = active_[digest];
    double seconds = std::max(1e-3, absl::ToDoubleSeconds(now - a.started));
    int64_t rate = static_cast<int64_t>(static_cast<double>(a.done) / seconds);
    std::fprintf(stderr, "  %s %-6s %9s / %-9s %9s/s\n", ShortDigest(digest).c_str(),
                 a.kind.c_str(), HumanBytes(a.done).c_str(), HumanBytes(a.total).c_str(),
                 HumanBytes(rate).c_str());
    ++drawn_lines_;
  }
  std::fflush(stderr);
}

void Progress::RenderLoop() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      ClearLocked();
      RedrawLocked();
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

}  // namespace registry
}  // namespace stowage
