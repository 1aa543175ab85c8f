#include "builder/net/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace net {
namespace {

std::mutex& DiagnosticMutex() {
  static auto* m = new std::mutex();
  return *m;
}

// libcurl sends header lines as given: a CR or LF in a value (a token, a name from a spec)
// would add header lines, or a whole request, of someone else's choosing. The value is never
// quoted: it may be a credential.
absl::Status CheckHeaderField(absl::string_view name, absl::string_view value) {
  auto bad = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  if (std::any_of(name.begin(), name.end(), [&](char c) { return bad(c) || c == ':'; }) ||
      std::any_of(value.begin(), value.end(), bad)) {
    return absl::InvalidArgumentError(absl::StrCat("refusing to send the ", ServerText(name, 60),
                                                   " header: it holds a line break or NUL"));
  }
  return absl::OkStatus();
}

bool IsRedirectStatus(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool IsCredentialHeader(absl::string_view name) {
  return absl::EqualsIgnoreCase(name, "authorization") ||
         absl::EqualsIgnoreCase(name, "proxy-authorization") ||
         absl::EqualsIgnoreCase(name, "cookie");
}

// Everything the callbacks of one transfer (one hop) need.
struct Transfer {
  const HttpRequest* request = nullptr;
  const TransportOptions* options = nullptr;
  HttpResponse* response = nullptr;
  CURL* curl = nullptr;
  FILE* body_file = nullptr;
  int64_t body_pos = 0;  // bytes of the body handed to curl
  size_t header_bytes = 0;
  size_t header_lines = 0;
  bool headers_too_large = false;
  bool body_too_large = false;
  bool body_cut = false;  // stopped reading at a cap on purpose: the response stands
  bool sink_failed = false;
  bool cancelled = false;
  bool deadline_passed = false;
  curl_off_t last_progress = 0;
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

// curl rewinds the body when it must resend it (a connection that was reused but closed).
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
  const bool success = code >= 200 && code < 300;
  if (t->request->sink && success) {
    if (!t->request->sink(data, n)) {
      t->sink_failed = true;
      return 0;
    }
    return n;
  }
  size_t cap = t->request->max_body_bytes;
  if (!success) cap = std::min(cap, kMaxErrorBodyBytes);
  std::string& body = t->response->body;
  if (body.size() + n > cap) {
    body.append(data, cap - body.size());
    t->response->body_truncated = true;
    // An error body is only ever quoted: its start is enough. A 2xx body is data: too long
    // is an error unless the caller asked for the start only.
    if (success && !t->request->truncate_body) {
      t->body_too_large = true;
    } else {
      t->body_cut = true;
    }
    return 0;  // stop reading
  }
  body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nitems;
  // Counted over the whole exchange, interim (1xx) responses included: a server cannot reset
  // the budget by starting over.
  t->header_bytes += n;
  ++t->header_lines;
  if (t->header_bytes > kMaxHeaderBytes || t->header_lines > kMaxHeaderCount) {
    t->headers_too_large = true;
    return 0;
  }
  absl::string_view line(data, n);
  line = absl::StripTrailingAsciiWhitespace(line);
  if (line.empty()) return n;
  if (absl::StartsWith(line, "HTTP/")) {
    // A new response (after a 100 Continue): keep only the last one's headers.
    t->response->headers.clear();
    if (t->options->verbose) PrintDiagnostic(absl::StrCat("< ", ServerText(line, 200)));
    return n;
  }
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return n;
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
  std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  if (t->options->verbose) PrintDiagnostic(absl::StrCat("< ", RedactHeaderLine(line)));
  t->response->headers.emplace_back(std::move(name), std::move(value));
  return n;
}

int OnProgress(void* userdata, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(userdata);
  if (t->options->cancelled != nullptr && t->options->cancelled->load()) {
    t->cancelled = true;
    return 1;  // abort the transfer
  }
  if (t->options->deadline != nullptr && t->options->deadline->Expired()) {
    t->deadline_passed = true;
    return 1;
  }
  curl_off_t now = dlnow + ulnow;
  if (t->request->on_progress && now > t->last_progress) {
    t->request->on_progress(static_cast<int64_t>(now - t->last_progress));
  }
  t->last_progress = now;
  return 0;
}

absl::Status WithCurlCode(absl::Status status, CURLcode code) {
  status.SetPayload(kCurlCodePayload, absl::Cord(std::to_string(static_cast<int>(code))));
  return status;
}

absl::Status TransportError(CURLcode code, const char* errbuf, const std::string& what) {
  // curl's own words; they may quote a header (a bad Location), so escape them too.
  std::string detail = ServerText(errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code), 300);
  std::string message = absl::StrCat(what, ": ", detail);
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
      return WithCurlCode(absl::FailedPreconditionError(
                              absl::StrCat(message,
                                           " (TLS verification failed: pass --ca-cert FILE for a "
                                           "private CA)")),
                          code);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_COULDNT_RESOLVE_HOST:
      return WithCurlCode(absl::FailedPreconditionError(message), code);
    default:
      // Refused, reset, dropped mid-transfer, stalled, empty reply: worth a retry.
      return WithCurlCode(absl::UnavailableError(message), code);
  }
}

// Loopback is always reached directly, even when the environment names a proxy; the
// environment's own no_proxy list still applies (CURLOPT_NOPROXY replaces it, so join them).
const std::string& NoProxyList() {
  static const std::string* list = [] {
    auto* s = new std::string("localhost,127.0.0.1,::1");
    for (const char* name : {"no_proxy", "NO_PROXY"}) {
      const char* value = std::getenv(name);
      if (value != nullptr && *value != '\0') absl::StrAppend(s, ",", value);
    }
    return s;
  }();
  return *list;
}

}  // namespace

std::string HttpResponse::Header(absl::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return "";
}

bool HttpResponse::HasHeader(absl::string_view name) const {
  for (const HeaderField& h : headers) {
    if (h.first == name) return true;
  }
  return false;
}

std::vector<std::string> HttpResponse::AllHeaders(absl::string_view name) const {
  std::vector<std::string> out;
  for (const HeaderField& h : headers) {
    if (h.first == name) out.push_back(h.second);
  }
  return out;
}

int CurlCodeOf(const absl::Status& status) {
  auto payload = status.GetPayload(kCurlCodePayload);
  int code = 0;
  if (payload.has_value()) (void)absl::SimpleAtoi(std::string(*payload), &code);
  return code;
}

int CurlSslConnectErrorCode() { return CURLE_SSL_CONNECT_ERROR; }

absl::Status CheckPlainHttp(const Url& url, const TransportOptions& options,
                            absl::string_view what) {
  if (url.origin.scheme != "http" || options.plain_http == PlainHttp::kAnyHost ||
      url.IsLoopback()) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "refusing plain HTTP to ", ServerText(url.origin.HostAndPort(), 200), " (", what, " ",
      RedactUrl(url.text), "): only loopback hosts may use http:// ",
      options.plain_http_flag.empty() ? std::string()
                                      : absl::StrCat("without ", options.plain_http_flag)));
}

std::string DescribeRequest(absl::string_view method, absl::string_view url) {
  return absl::StrCat(method, " ", RedactUrl(url));
}

void PrintDiagnostic(absl::string_view line) {
  std::string safe = SafeForTerminal(line);
  std::lock_guard<std::mutex> lock(DiagnosticMutex());
  std::fprintf(stderr, "%s\n", safe.c_str());
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Every request gets a fresh easy handle; only connections, DNS answers and TLS sessions carry
// over, through the share. A reused easy handle is not safe against a hostile server with the
// libcurl Debian 12 ships (7.88.1): its header store keeps a pointer to the previous
// response's last header, and a response that starts with a folded (continuation) line then
// appends to freed memory (curl#11103, fixed in 8.1.0; found by http_response_fuzzer).
HttpTransport::HttpTransport(TransportOptions options) : options_(std::move(options)) {
  InitCurlOnce();
  share_ = curl_share_init();
  if (share_ != nullptr) {
    // One transport serves one thread at a time (the registry client pools them), so the
    // share needs no lock callbacks.
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

HttpTransport::~HttpTransport() {
  if (share_ != nullptr) curl_share_cleanup(share_);
}

absl::StatusOr<HttpResponse> HttpTransport::Do(const HttpRequest& r) {
  if (share_ == nullptr) return absl::ResourceExhaustedError("cannot create a libcurl share");
  for (const HeaderField& h : r.headers) {
    if (IsCredentialHeader(h.first)) {
      return absl::InternalError(
          absl::StrCat("credential header ", h.first,
                       " passed as a plain header (use HttpRequest::credential)"));
    }
    RETURN_IF_ERROR(CheckHeaderField(h.first, h.second));
  }
  if (r.credential.has_value()) {
    RETURN_IF_ERROR(CheckHeaderField("Authorization", r.credential->authorization));
  }
  ASSIGN_OR_RETURN(Url url, ParseUrl(r.url, absl::StrCat(r.method, " URL")));
  std::string method = r.method;
  bool with_body = true;
  bool withheld = false;
  const std::string first = DescribeRequest(r.method, url.text);
  for (int hop = 0;; ++hop) {
    absl::Status allowed = CheckPlainHttp(url, options_, hop == 0 ? "request to" : "redirect to");
    if (!allowed.ok()) {
      if (hop == 0) return allowed;
      return absl::Status(allowed.code(), absl::StrCat(first, ": ", allowed.message()));
    }
    const bool with_credential = r.credential.has_value() && r.credential->origin == url.origin;
    if (r.credential.has_value() && !with_credential) {
      withheld = true;
      if (options_.verbose) {
        PrintDiagnostic(absl::StrCat("* credentials withheld from ", url.origin.ToString(),
                                     " (they belong to ", r.credential->origin.ToString(), ")"));
      }
    }
    ASSIGN_OR_RETURN(HttpResponse response, Perform(r, method, url, with_credential, with_body));
    response.credential_withheld = withheld;
    if (r.max_redirects == 0 || !IsRedirectStatus(response.status)) return response;
    std::string location = response.Header("location");
    if (location.empty()) return response;
    const std::string what = DescribeRequest(method, url.text);
    if (hop >= r.max_redirects) {
      return absl::FailedPreconditionError(
          absl::StrCat(what, ": more than ", r.max_redirects, " redirects"));
    }
    absl::StatusOr<Url> next = ResolveUrl(url, location, "redirect Location");
    if (!next.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(what, ": ", next.status().message()));
    }
    // RFC 9110 15.4: 303 turns into GET; 301/302 after POST do too, as every client does.
    if ((response.status == 303 && method != "HEAD") ||
        ((response.status == 301 || response.status == 302) && method == "POST")) {
      method = "GET";
      with_body = false;
    }
    // A 307/308 resends the body: a body may hold a credential (an OAuth refresh token) or
    // data meant for this origin only, so it never follows a redirect elsewhere.
    const bool resends_body =
        with_body && (method == "POST" || method == "PUT" || method == "PATCH");
    if (resends_body && next->origin != url.origin) {
      return absl::FailedPreconditionError(absl::StrCat(what, ": redirected to another origin (",
                                                        RedactUrl(next->text),
                                                        "); a request body is not sent there"));
    }
    if (options_.verbose) {
      PrintDiagnostic(absl::StrCat("* redirect ", response.status, " to ", RedactUrl(next->text)));
    }
    url = std::move(*next);
  }
}

absl::StatusOr<HttpResponse> HttpTransport::Perform(const HttpRequest& r, const std::string& method,
                                                    const Url& url, bool with_credential,
                                                    bool with_body) {
  const std::string what = DescribeRequest(method, url.text);
  const Deadline* deadline = options_.deadline;
  absl::Duration limit = r.timeout;
  bool limited_by_deadline = false;
  if (deadline != nullptr && deadline->Remaining() < limit) {
    limit = deadline->Remaining();
    limited_by_deadline = true;
  }
  if (limit <= absl::ZeroDuration()) {
    if (deadline != nullptr && deadline->Expired()) return deadline->Exceeded(what);
    return absl::DeadlineExceededError(absl::StrCat(what, ": no time left"));
  }

  HttpResponse response;
  Transfer t;
  t.request = &r;
  t.options = &options_;
  t.response = &response;
  std::unique_ptr<CURL, void (*)(CURL*)> easy(curl_easy_init(), curl_easy_cleanup);
  if (easy == nullptr) return absl::ResourceExhaustedError("cannot create a libcurl handle");
  t.curl = easy.get();

  const bool sends_body = with_body && (method == "POST" || method == "PUT" || method == "PATCH");
  int64_t body_size = 0;
  if (sends_body && !r.body_file.empty()) {
    t.body_file = std::fopen(r.body_file.c_str(), "rb");
    if (t.body_file == nullptr) return ErrnoStatus("cannot open", r.body_file);
    if (fseeko(t.body_file, static_cast<off_t>(r.body_offset), SEEK_SET) != 0) {
      std::fclose(t.body_file);
      return ErrnoStatus("cannot seek in", r.body_file);
    }
    body_size = r.body_length;
  } else if (sends_body) {
    body_size = static_cast<int64_t>(r.body.size());
  }

  CURL* c = easy.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_SHARE, share_);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_URL, url.text.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // redirects are followed in Do(), checked
  curl_easy_setopt(c, CURLOPT_NOPROXY, NoProxyList().c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(std::min(
                       options_.connect_timeout, std::max(limit, absl::Milliseconds(1))))));
  if (limit != absl::InfiniteDuration()) {
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(limit))));
  }
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(
      c, CURLOPT_LOW_SPEED_TIME,
      static_cast<long>(std::max<int64_t>(1, absl::ToInt64Seconds(options_.stall_timeout))));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "stowage/1");
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  if (!options_.ca_cert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_cert.c_str());
  if (options_.skip_tls_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
  } else if (method == "PUT" || method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
    if (method == "PATCH") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
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
  for (const HeaderField& h : r.headers) {
    headers = curl_slist_append(headers, absl::StrCat(h.first, ": ", h.second).c_str());
  }
  if (with_credential) {
    headers = curl_slist_append(
        headers, absl::StrCat("Authorization: ", r.credential->authorization).c_str());
  }
  // No "Expect: 100-continue" round trip: auth is settled before bodies are sent.
  headers = curl_slist_append(headers, "Expect:");
  if (sends_body) {
    bool has_type = false;
    for (const HeaderField& h : r.headers) {
      has_type = has_type || absl::EqualsIgnoreCase(h.first, "content-type");
    }
    if (!has_type) headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  if (options_.verbose) {
    PrintDiagnostic(absl::StrCat("> ", method, " ", RedactUrl(url.text)));
    for (const HeaderField& h : r.headers) {
      PrintDiagnostic(absl::StrCat("> ", RedactHeaderLine(absl::StrCat(h.first, ": ", h.second))));
    }
    if (with_credential) {
      PrintDiagnostic(absl::StrCat(
          "> ", RedactHeaderLine(absl::StrCat("Authorization: ", r.credential->authorization))));
    }
  }

  const absl::Time start = absl::Now();
  CURLcode code = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (t.body_file != nullptr) std::fclose(t.body_file);

  if (t.cancelled) return absl::CancelledError(absl::StrCat(what, ": interrupted"));
  if (t.deadline_passed) return WithCurlCode(deadline->Exceeded(what), code);
  if (code == CURLE_OPERATION_TIMEDOUT && limit != absl::InfiniteDuration() &&
      absl::Now() - start >= limit - absl::Milliseconds(50)) {
    // The whole-transfer limit fired (not the low-speed or connect one): whichever of the
    // deadline and the request's own timeout set it.
    if (limited_by_deadline) return WithCurlCode(deadline->Exceeded(what), code);
    return WithCurlCode(absl::DeadlineExceededError(absl::StrCat(
                            what, ": no complete answer within ", ShortDuration(r.timeout))),
                        code);
  }
  if (t.headers_too_large) {
    return WithCurlCode(absl::OutOfRangeError(absl::StrCat(what, ": the response headers exceed ",
                                                           kMaxHeaderBytes >> 10, " KiB or ",
                                                           kMaxHeaderCount, " lines")),
                        code);
  }
  if (t.body_too_large) {
    return WithCurlCode(absl::OutOfRangeError(absl::StrCat(what, ": response body over ",
                                                           r.max_body_bytes, " bytes")),
                        code);
  }
  if (t.sink_failed) {
    return WithCurlCode(absl::InternalError(absl::StrCat(what, ": could not store the body")),
                        code);
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    // The low-speed or the connect limit (both retryable): say which, in our words.
    curl_off_t connected = 0;
    curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected);
    std::string detail = connected > 0 ? absl::StrCat("the server stalled (less than 1 byte/s for ",
                                                      ShortDuration(options_.stall_timeout), ")")
                                       : absl::StrCat("could not connect within ",
                                                      ShortDuration(options_.connect_timeout));
    return WithCurlCode(absl::UnavailableError(absl::StrCat(what, ": ", detail)), code);
  }
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && t.body_cut)) {
    return TransportError(code, errbuf, what);
  }

  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  response.url = url.text;
  curl_off_t sent = 0;
  curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &sent);
  response.bytes_sent = static_cast<int64_t>(sent);
  return response;
}

}  // namespace net
}  // namespace stowage
