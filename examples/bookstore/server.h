// The HTTP server: libmicrohttpd with an internal thread pool (one epoll loop per thread),
// handing each request to App and writing one access-log line per request to stdout.
//
// Static 200 responses are built once at startup (headers included) and shared by every
// request; small files are sent from memory, large ones from a file descriptor (sendfile).
// Shutdown() stops accepting, lets in-flight requests finish within a bounded time (answering
// them with "Connection: close"), then closes every connection.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_SERVER_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "examples/bookstore/app.h"

struct MHD_Daemon;
struct MHD_Response;
struct MHD_Connection;

namespace bookstore {

struct ServerOptions {
  int port = 8000;  // 0 picks a free port
  int threads = 2;
  double graceful_timeout_seconds = 10;
  int idle_timeout_seconds = 30;  // closes idle keep-alive connections (and slow clients)
  bool access_log = true;
};

class Server {
 public:
  Server(const App* app, const StaticFiles* static_files, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds 0.0.0.0:port and starts the worker threads.
  absl::Status Start();
  // The bound port (useful with port 0).
  int port() const { return bound_port_; }
  // Stops accepting connections, waits up to the graceful timeout for in-flight requests,
  // then stops. Returns false when requests were still running at the deadline.
  bool Shutdown();

  struct RequestContext;

 private:
  // libmicrohttpd's callbacks (defined in server.cc, where its types are known).
  friend struct ServerCallbacks;

  int Respond(MHD_Connection* connection, RequestContext* context, const char* method);
  int Queue(MHD_Connection* connection, RequestContext* context, bool head,
            const Response& response);
  void BuildStaticResponses();
  void Log(const RequestContext& context) const;

  const App* app_;
  const StaticFiles* static_files_;
  ServerOptions options_;
  MHD_Daemon* daemon_ = nullptr;
  int bound_port_ = 0;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};
  // Prebuilt static 200 responses by (variant, secure).
  absl::flat_hash_map<std::pair<const StaticVariant*, bool>, MHD_Response*> prebuilt_;
};

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_SERVER_H_
