#include "builder/registry/http.h"

#include <curl/curl.h>

#include <cstdio>
#include <cstring>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"

namespace stowage {
namespace registry {
namespace {

constexpr size_t kMaxBodyInMemory = 32u << 20;

std::mutex& LogMutex() {
  static auto* m = new std::mutex();
  return *m;
}

void Log(const std::string& line) {
  std::lock_guard<std::mutex> lock(LogMutex());
  std::fprintf(stderr, "%s\n", line.c_str());
}

// Everything one transfer's callbacks need.
struct Transfer {
  const HttpRequest* request = nullptr;
  const TransportOptions* options = nullptr;
  HttpResponse* response = nullptr;
  CURL* curl = nullptr;
  FILE* body_file = nullptr;
  int64_t body_pos = 0;  // bytes of the body handed to curl
  bool body_too_large = false;
  bool sink_failed = false;
  bool cancelled = false;
  curl_off_t last_progress = 0;
  bool in_new_response = true;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const HttpRequest& r = *t->request;
  size_t want = size * nitems;
  if (!r.body_file.empty()) {
    int64_t left = r.body_length - t->body_pos;
    if (left <= 0) return 0;
    if (static_cast<int64_t>(want) > left) want = static_cast<size_t>(left);
    size_t n = std::fread(buffer, 1, want, t->body_file);
    if (n == 0) return CURL_READFUNC_ABORT;  // the file shrank under us
    t->body_pos += static_cast<int64_t>(n);
    return n;
  }
  int64_t left = static_cast<int64_t>(r.body.size()) - t->body_pos;
  if (left <= 0) return 0;
  if (static_cast<int64_t>(want) > left) want = static_cast<size_t>(left);
  std::memcpy(buffer, r.body.data() + t->body_pos, want);
  t->body_pos += static_cast<int64_t>(want);
  return want;
}

// curl rewinds the body when it must resend it (a redirect, an auth retry it handles itself).
int SeekBody(void* userdata, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(userdata);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  if (t->body_file != nullptr &&
      fseeko(t->body_file, static_cast<off_t>(t->request->body_offset + offset), SEEK_SET) != 0) {
    return CURL_SEEKFUNC_FAIL;
  }
  t->body_pos = offset;
  return CURL_SEEKFUNC_OK;
}

size_t WriteBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nmemb;
  long code = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
  if (t->request->sink && code >= 200 && code < 300) {
    if (!t->request->sink(data, n)) {
      t->sink_failed = true;
      return 0;
    }
    return n;
  }
  if (t->response->body.size() + n > kMaxBodyInMemory) {
    t->body_too_large = true;
    return 0;
  }
  t->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nitems;
  absl::string_view line(data, n);
  line = absl::StripTrailingAsciiWhitespace(line);
  if (absl::StartsWith(line, "HTTP/")) {
    // A new response (after a redirect or a 100 Continue): keep only the last one's headers.
    t->response->headers.clear();
    if (t->options->verbose) Log(absl::StrCat("< ", line));
    return n;
  }
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return n;
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
  std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  if (t->options->verbose) Log(absl::StrCat("< ", RedactHeader(line)));
  t->response->headers.emplace_back(std::move(name), std::move(value));
  return n;
}

int OnProgress(void* userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
               curl_off_t ulnow) {
  (void)dltotal;
  (void)ultotal;
  auto* t = static_cast<Transfer*>(userdata);
  if (t->options->cancelled != nullptr && t->options->cancelled->load()) {
    t->cancelled = true;
    return 1;  // abort the transfer
  }
  curl_off_t now = dlnow + ulnow;
  if (t->request->on_progress && now > t->last_progress) {
    t->request->on_progress(static_cast<int64_t>(now - t->last_progress));
  }
  t->last_progress = now;
  return 0;
}

absl::Status TransportError(CURLcode code, const char* errbuf, const HttpRequest& r) {
  std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(code);
  std::string message = absl::StrCat(r.method, " ", r.url, ": ", detail);
  absl::Status status;
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
      status = absl::FailedPreconditionError(absl::StrCat(
          message, " (TLS verification failed: pass --ca-cert FILE for a private CA)"));
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_COULDNT_RESOLVE_HOST:
      status = absl::FailedPreconditionError(message);
      break;
    default:
      // Refused, reset, dropped mid-transfer, timed out, empty reply: worth a retry.
      status = absl::UnavailableError(message);
  }
  status.SetPayload(kCurlCodePayload, absl::Cord(std::to_string(static_cast<int>(code))));
  return status;
}

}  // namespace

std::string HttpResponse::Header(absl::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return "";
}

int CurlCodeOf(const absl::Status& status) {
  auto payload = status.GetPayload(kCurlCodePayload);
  int code = 0;
  if (payload.has_value()) (void)absl::SimpleAtoi(std::string(*payload), &code);
  return code;
}

int CurlSslConnectErrorCode() { return CURLE_SSL_CONNECT_ERROR; }

std::string RedactHeader(absl::string_view line) {
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return std::string(line);
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
  if (name != "authorization" && name != "proxy-authorization" && name != "cookie" &&
      name != "set-cookie") {
    return std::string(line);
  }
  absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  size_t space = value.find(' ');
  std::string scheme = space == absl::string_view::npos || name == "cookie" || name == "set-cookie"
                           ? ""
                           : std::string(value.substr(0, space + 1));
  return absl::StrCat(line.substr(0, colon), ": ", scheme, "<redacted>");
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpTransport::HttpTransport(TransportOptions options) : options_(std::move(options)) {
  InitCurlOnce();
  curl_ = curl_easy_init();
}

HttpTransport::~HttpTransport() { curl_easy_cleanup(curl_); }

absl::StatusOr<HttpResponse> HttpTransport::Do(const HttpRequest& r) {
  HttpResponse response;
  Transfer t;
  t.request = &r;
  t.options = &options_;
  t.response = &response;
  t.curl = curl_;

  int64_t body_size = 0;
  if (!r.body_file.empty()) {
    t.body_file = std::fopen(r.body_file.c_str(), "rb");
    if (t.body_file == nullptr) return ErrnoStatus("cannot open", r.body_file);
    if (fseeko(t.body_file, static_cast<off_t>(r.body_offset), SEEK_SET) != 0) {
      std::fclose(t.body_file);
      return ErrnoStatus("cannot seek in", r.body_file);
    }
    body_size = r.body_length;
  } else {
    body_size = static_cast<int64_t>(r.body.size());
  }

  CURL* c = curl_;
  curl_easy_reset(c);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_seconds);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "stowage/1");
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  if (!options_.ca_cert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_cert.c_str());
  if (options_.skip_tls_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (r.follow_redirects) {
    // curl never sends a custom Authorization header to another host on a redirect.
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  }

  if (r.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (r.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
  } else if (r.method == "PUT" || r.method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
    if (r.method == "PATCH") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, SeekBody);
  curl_easy_setopt(c, CURLOPT_SEEKDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);

  curl_slist* headers = nullptr;
  for (const std::string& h : r.headers) headers = curl_slist_append(headers, h.c_str());
  // No "Expect: 100-continue" round trip: auth is settled before bodies are sent.
  headers = curl_slist_append(headers, "Expect:");
  if (r.method == "PUT" || r.method == "PATCH" || r.method == "POST") {
    bool has_type = false;
    for (const std::string& h : r.headers) {
      has_type = has_type || absl::StartsWithIgnoreCase(h, "content-type:");
    }
    if (!has_type) headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  if (options_.verbose) {
    Log(absl::StrCat("> ", r.method, " ", r.url));
    for (const std::string& h : r.headers) Log(absl::StrCat("> ", RedactHeader(h)));
  }

  CURLcode code = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (t.body_file != nullptr) std::fclose(t.body_file);

  if (t.cancelled) return absl::CancelledError(absl::StrCat(r.method, " ", r.url, ": interrupted"));
  if (t.body_too_large) {
    return absl::OutOfRangeError(absl::StrCat(r.method, " ", r.url, ": response body over 32 MiB"));
  }
  if (t.sink_failed) {
    return absl::InternalError(absl::StrCat(r.method, " ", r.url, ": could not store the body"));
  }
  if (code != CURLE_OK) return TransportError(code, errbuf, r);

  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* effective = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
  response.url = effective != nullptr ? effective : r.url;
  curl_off_t sent = 0;
  curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &sent);
  response.bytes_sent = static_cast<int64_t>(sent);
  return response;
}

}  // namespace registry
}  // namespace stowage
