#include "examples/bookstore/healthcheck.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace bookstore {

absl::Status CheckHealth(int port, int timeout_seconds) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  timeval timeout{timeout_seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string where = absl::StrCat("127.0.0.1:", port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::string reason = std::strerror(errno);
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to ", where, ": ", reason));
  }
  // HTTP/1.0: the server closes after answering, so reading to EOF is bounded.
  std::string request = "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot send to ", where));
  }
  std::string response;
  char buf[512];
  ssize_t n;
  while (response.size() < 4096 && (n = recv(fd, buf, sizeof(buf), 0)) > 0) {
    response.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  std::string status_line = response.substr(0, response.find("\r\n"));
  if (absl::StartsWith(status_line, "HTTP/1.1 200") ||
      absl::StartsWith(status_line, "HTTP/1.0 200")) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(
      absl::StrCat("unhealthy: ", status_line.empty() ? "no answer from " + where : status_line));
}

}  // namespace bookstore
