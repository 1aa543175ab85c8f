// Progress of blob transfers on stderr: a live display (bytes and rate per blob) on a
// terminal, plain lines otherwise ("pushed sha256:abc… 12.3 MB in 0.4s").
#ifndef STOWAGE_BUILDER_REGISTRY_PROGRESS_H_
#define STOWAGE_BUILDER_REGISTRY_PROGRESS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace stowage {
namespace registry {

// "12.3 MB" (decimal units, as registries and docker print sizes).
std::string HumanBytes(int64_t bytes);
// "sha256:0123456789ab…"
std::string ShortDigest(const std::string& digest);

class Progress {
 public:
  // `live`: redraw active transfers in place (stderr is a terminal). When the system refuses
  // the thread that redraws, progress is printed line by line instead: a display is no reason
  // to fail a push.
  explicit Progress(bool live);
  ~Progress();

  void Start(const std::string& digest, const std::string& kind, int64_t total);
  void Advance(const std::string& digest, int64_t delta);
  // verb: "pushed", "exists", "mounted", "pulled", "failed".
  void Done(const std::string& digest, const std::string& verb, int64_t bytes);
  void Line(const std::string& text);
  // Stops the live display (idempotent).
  void Stop();

 private:
  struct Active {
    std::string kind;
    int64_t total = 0;
    int64_t done = 0;
    absl::Time started;
  };
  void RenderLoop();
  void RedrawLocked();
  void ClearLocked();

  bool live_;
  std::mutex mu_;
  std::map<std::string, Active> active_;
  std::vector<std::string> order_;
  int drawn_lines_ = 0;
  bool stopping_ = false;
  std::thread renderer_;
};

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_PROGRESS_H_
