// The libmicrohttpd adapter over real loopback sockets: keep-alive, HEAD, prebuilt static
// responses, and a graceful shutdown that lets a request in flight finish.
#include "examples/bookstore/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/bookstore/test_util.h"

namespace bookstore {
namespace {

class SlowCatalog : public Catalog {
 public:
  absl::StatusOr<std::vector<Book>> ListBooks() override {
    std::this_thread::sleep_for(delay);
    return std::vector<Book>{{1, "Emma", "Jane Austen", 850, 1815, ""}};
  }
  absl::StatusOr<absl::optional<Book>> GetBook(int64_t) override { return absl::optional<Book>(); }
  absl::Status Ping() override { return absl::OkStatus(); }
  std::chrono::milliseconds delay{0};
};

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  return fd;
}

void Send(int fd, const std::string& text) {
  ASSERT_EQ(send(fd, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
}

// Reads until `count` complete responses (headers + Content-Length bytes, none for HEAD/304)
// or until the peer closes.
std::string ReadResponses(int fd, int count, bool last_is_head = false) {
  std::string data;
  char buf[65536];
  while (true) {
    int complete = 0;
    size_t pos = 0;
    while (true) {
      size_t end = data.find("\r\n\r\n", pos);
      if (end == std::string::npos) break;
      size_t length = 0;
      size_t cl = data.find("Content-Length: ", pos);
      if (cl != std::string::npos && cl < end) length = std::stoul(data.substr(cl + 16));
      if (last_is_head && complete == count - 1) length = 0;
      if (data.size() < end + 4 + length) break;
      pos = end + 4 + length;
      ++complete;
    }
    if (complete >= count) return data;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return data;
    data.append(buf, static_cast<size_t>(n));
  }
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string root = testing::MakeTempDir();
    testing::WriteFile(root + "/app.css", "body{color:red}");
    testing::WriteFile(root + "/app.css.gz", "GZ");
    StaticOptions static_options;
    static_options.root = root;
    static_files_ = std::move(StaticFiles::Load(static_options)).value();
    templates_ = std::make_unique<Templates>(
        Templates::FromSources({{"base.html", "{{{content}}}"},
                                {"list.html", "{{#books}}[{{title}}]{{/books}}"},
                                {"detail.html", ""},
                                {"404.html", "missing"}})
            .value());
    AppOptions options;
    options.secret_key = "k";
    app_ = std::make_unique<App>(options, &catalog_, templates_.get(), static_files_.get());
    ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 2;
    server_options.graceful_timeout_seconds = 5;
    server_options.access_log = false;
    server_ = std::make_unique<Server>(app_.get(), static_files_.get(), server_options);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
  }

  SlowCatalog catalog_;
  std::unique_ptr<StaticFiles> static_files_;
  std::unique_ptr<Templates> templates_;
  std::unique_ptr<App> app_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepAliveHeadAndStaticVariants) {
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  Send(fd,
       "GET /static/app.css HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n"
       "GET / HTTP/1.1\r\nHost: t\r\n\r\n"
       "HEAD /static/app.css HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string data = ReadResponses(fd, 3, /*last_is_head=*/true);
  close(fd);
  // Three answers on one connection, in order, the HEAD one without a body.
  size_t first = data.find("HTTP/1.1 200");
  size_t second = data.find("HTTP/1.1 200", first + 1);
  size_t third = data.find("HTTP/1.1 200", second + 1);
  ASSERT_NE(third, std::string::npos) << data;
  std::string gz = data.substr(first, second - first);
  EXPECT_TRUE(absl::StrContains(gz, "Content-Encoding: gzip")) << gz;
  EXPECT_TRUE(absl::StrContains(gz, "Vary: Accept-Encoding"));
  EXPECT_TRUE(absl::StrContains(gz, "X-Content-Type-Options: nosniff"));
  EXPECT_TRUE(absl::EndsWith(gz, "\r\n\r\nGZ"));
  EXPECT_FALSE(absl::StrContains(gz, "Connection: close"));
  std::string page = data.substr(second, third - second);
  EXPECT_TRUE(absl::EndsWith(page, "[Emma]")) << page;
  std::string head = data.substr(third);
  EXPECT_TRUE(absl::StrContains(head, "Content-Length: 15")) << head;
  EXPECT_TRUE(absl::EndsWith(head, "\r\n\r\n")) << head;
  EXPECT_FALSE(absl::StrContains(data, "Server:"));
}

TEST_F(ServerTest, ShutdownFinishesTheRequestInFlight) {
  catalog_.delay = std::chrono::milliseconds(400);
  int idle = Connect(server_->port());  // an idle keep-alive connection must not delay the stop
  ASSERT_GE(idle, 0);
  int busy = Connect(server_->port());
  ASSERT_GE(busy, 0);
  Send(busy, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto start = std::chrono::steady_clock::now();
  std::future<bool> stopped =
      std::async(std::launch::async, [this] { return server_->Shutdown(); });
  std::string response = ReadResponses(busy, 1);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200")) << response;
  EXPECT_TRUE(absl::StrContains(response, "Connection: close")) << response;
  EXPECT_TRUE(absl::EndsWith(response, "[Emma]"));
  EXPECT_TRUE(stopped.get());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  // No new connections after the stop.
  int late = Connect(server_->port());
  EXPECT_LT(late, 0);
  if (late >= 0) close(late);
  close(busy);
  close(idle);
}

TEST_F(ServerTest, MalformedTargetsGet400) {
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  Send(fd, "GET /a%00b HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string response = ReadResponses(fd, 1);
  close(fd);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 400")) << response;
}

}  // namespace
}  // namespace bookstore
