// What the HTTP clients make of a hostile server's bytes: a loopback server inside this
// process answers each connection with the next piece of the input, raw (status line,
// headers, body, as much or as little of it as the input has), then closes. The first three
// answer `stowage check --url`'s three requests (then analyzed as the checker would), the
// fourth a registry request (then read as the registry client would: error body, challenge,
// Location). Input: four raw responses separated by "@@@" lines.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "builder/deploy/live_checks.h"
#include "builder/net/http.h"
#include "builder/net/server_text.h"
#include "builder/net/url.h"
#include "builder/registry/challenge.h"
#include "builder/registry/registry_error.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/properties.h"

namespace {

// Serves queued answers, one per connection, forever (the thread ends with the process).
class RawServer {
 public:
  RawServer() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      stowage::fuzz::InvariantFailed("harness: cannot listen on 127.0.0.1", "");
    }
    port_ = ntohs(addr.sin_port);
    std::thread([this] { Serve(); }).detach();
  }

  int port() const { return port_; }

  // Answers for the next connections, in order; connections beyond them get nothing.
  void Queue(std::deque<std::string> answers) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_ = std::move(answers);
  }

 private:
  void Serve() {
    while (true) {
      int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ReadRequest(fd);
      std::string answer;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!answers_.empty()) {
          answer = std::move(answers_.front());
          answers_.pop_front();
        }
      }
      size_t sent = 0;
      while (sent < answer.size()) {
        ssize_t n = send(fd, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      shutdown(fd, SHUT_WR);
      close(fd);
    }
  }

  // Reads up to the end of the request headers (GET requests carry no body), so closing
  // afterwards never resets the connection under the client.
  static void ReadRequest(int fd) {
    std::string got;
    char buf[4096];
    while (got.find("\r\n\r\n") == std::string::npos && got.size() < (1 << 16)) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 2000) <= 0) return;
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) return;
      got.append(buf, static_cast<size_t>(n));
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::mutex mu_;
  std::deque<std::string> answers_;
};

RawServer& Server() {
  static RawServer* server = new RawServer();
  return *server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 4);
  RawServer& server = Server();
  server.Queue({in[0], in[1], in[2], in[3]});
  const std::string base = absl::StrCat("http://127.0.0.1:", server.port());

  // As `stowage check --url` sets up its transport.
  LiveCheckOptions live;
  live.url = base + "/";
  live.timeout_ms = 2000;
  net::TransportOptions site_options;
  site_options.plain_http = net::PlainHttp::kAnyHost;
  site_options.connect_timeout = absl::Seconds(2);
  site_options.stall_timeout = absl::Seconds(2);
  net::CurlHttpClient http(site_options);
  SiteObservations site = ObserveSite(http, live);
  fuzz::Trace("https", site.secure.status());
  fuzz::Trace("http", site.insecure.status());
  fuzz::Trace("404", site.not_found.status());
  fuzz::CheckFindings(AnalyzeSite(site, live));

  // As the registry client would, following redirects (they go back to the same server).
  net::TransportOptions options;
  options.connect_timeout = absl::Seconds(2);
  options.stall_timeout = absl::Seconds(2);
  net::HttpTransport transport(options);
  net::HttpRequest request;
  request.url = base + "/v2/team/app/manifests/latest";
  request.max_redirects = 3;
  absl::StatusOr<net::HttpResponse> r = transport.Do(request);
  fuzz::Trace("registry request", r.status());
  if (r.ok()) {
    fuzz::CheckServerTextQuoted(registry::RegistryError(r->status, r->body, "GET manifest"));
    (void)registry::ParseChallenges(r->Header("www-authenticate"));
    if (absl::StatusOr<net::Url> url = net::ParseUrl(request.url); url.ok()) {
      (void)net::ResolveUrl(*url, r->Header("location"));
    }
  } else {
    fuzz::CheckServerTextQuoted(r.status());
  }
  server.Queue({});
  return 0;
}
