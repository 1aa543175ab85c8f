#include "builder/deb/mirror_fetch.h"

#include <curl/curl.h>
#include <unistd.h>

#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace stowage {
namespace {

struct Sink {
  std::string data;
  int64_t max_bytes = 0;
  bool too_big = false;
};

size_t WriteCallback(char* ptr, size_t size, size_t nmemb, void* user) {
  Sink* sink = static_cast<Sink*>(user);
  size_t n = size * nmemb;
  if (static_cast<int64_t>(sink->data.size() + n) > sink->max_bytes) {
    sink->too_big = true;
    return 0;  // aborts the transfer
  }
  sink->data.append(ptr, n);
  return n;
}

struct Attempt {
  absl::Status status;
  bool retry = false;
};

Attempt FetchOnce(const std::string& url, int64_t max_bytes, const FetchOptions& options,
                  std::string* out) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return {absl::InternalError("curl_easy_init failed"), false};
  Sink sink;
  sink.max_bytes = max_bytes;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, options.timeout_seconds);
  // A mirror that drips (under 1 KB/s for 60 s) is given up on.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "stowage-deb");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteCallback);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(curl);

  bool is_file = absl::StartsWith(url, "file:");
  if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
    return {absl::ResourceExhaustedError(
                absl::StrCat("GET ", url, ": larger than the limit of ", max_bytes, " bytes")),
            false};
  }
  if (rc == CURLE_FILE_COULDNT_READ_FILE && is_file) {
    return {absl::NotFoundError(absl::StrCat("GET ", url, ": no such file")), false};
  }
  if (rc != CURLE_OK) {
    bool transient = rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
                     rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_PARTIAL_FILE ||
                     rc == CURLE_GOT_NOTHING;
    return {absl::UnavailableError(
                absl::StrCat("GET ", url, ": ", error[0] ? error : curl_easy_strerror(rc))),
            transient};
  }
  if (!is_file && (code == 404 || code == 410)) {
    return {absl::NotFoundError(absl::StrCat("GET ", url, ": HTTP ", code)), false};
  }
  if (!is_file && code != 200) {
    return {absl::UnavailableError(absl::StrCat("GET ", url, ": HTTP ", code)),
            code >= 500 || code == 429};
  }
  *out = std::move(sink.data);
  return {absl::OkStatus(), false};
}

}  // namespace

absl::StatusOr<std::string> FetchUrl(const std::string& url, int64_t max_bytes,
                                     const FetchOptions& options) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  absl::Status last;
  for (int attempt = 0; attempt < std::max(1, options.attempts); ++attempt) {
    if (attempt > 0) sleep(attempt);  // 1 s, then 2 s
    std::string out;
    Attempt a = FetchOnce(url, max_bytes, options, &out);
    if (a.status.ok()) return out;
    last = a.status;
    if (!a.retry) break;
  }
  return last;
}

}  // namespace stowage
