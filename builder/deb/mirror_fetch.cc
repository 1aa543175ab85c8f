#include "builder/deb/mirror_fetch.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/net/http.h"

namespace stowage {
namespace {

// file:/path, file:///path -> /path.
std::string FilePath(const std::string& url) {
  std::string p = url.substr(5);
  while (absl::StartsWith(p, "//")) p = p.substr(1);
  return p;
}

}  // namespace

MirrorFetcher::MirrorFetcher(FetchOptions options) : options_(options) {
  net::TransportOptions t;
  t.plain_http = net::PlainHttp::kAnyHost;
  transport_ = std::make_unique<net::HttpTransport>(t);
}

MirrorFetcher::~MirrorFetcher() = default;

absl::StatusOr<std::string> MirrorFetcher::FetchOnce(const std::string& url, int64_t max_bytes,
                                                     bool* retry) {
  *retry = false;
  if (absl::StartsWith(url, "file:")) {
    std::string path = FilePath(url);
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return absl::NotFoundError(absl::StrCat("GET ", url, ": no such file"));
    }
    if (st.st_size > max_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("GET ", url, ": larger than the limit of ", max_bytes, " bytes"));
    }
    return ReadFile(path);
  }
  net::HttpRequest request;
  request.url = url;
  request.max_redirects = 5;
  request.max_body_bytes = static_cast<size_t>(max_bytes);
  request.timeout = options_.timeout;
  request.headers.push_back({"User-Agent", "stowage-deb"});
  absl::StatusOr<net::HttpResponse> response = transport_->Do(request);
  if (!response.ok()) {
    *retry = absl::IsUnavailable(response.status()) || absl::IsDeadlineExceeded(response.status());
    if (absl::IsOutOfRange(response.status())) {
      return absl::ResourceExhaustedError(
          absl::StrCat("GET ", url, ": larger than the limit of ", max_bytes, " bytes"));
    }
    return response.status();
  }
  if (response->status == 404 || response->status == 410) {
    return absl::NotFoundError(
        absl::StrCat(net::DescribeRequest("GET", url), ": HTTP ", response->status));
  }
  if (response->status != 200) {
    *retry = response->status >= 500 || response->status == 429;
    return absl::UnavailableError(
        absl::StrCat(net::DescribeRequest("GET", url), ": HTTP ", response->status));
  }
  return std::move(response->body);
}

absl::StatusOr<std::string> MirrorFetcher::Fetch(const std::string& url, int64_t max_bytes) {
  absl::Status last;
  for (int attempt = 0; attempt < std::max(1, options_.attempts); ++attempt) {
    if (attempt > 0) sleep(attempt);  // 1 s, then 2 s
    bool retry = false;
    absl::StatusOr<std::string> out = FetchOnce(url, max_bytes, &retry);
    if (out.ok()) return out;
    last = out.status();
    if (!retry) break;
  }
  return last;
}

}  // namespace stowage
