#include "examples/bookstore/server.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace bookstore {

struct Server::RequestContext {
  std::chrono::steady_clock::time_point start;
  std::string target;  // the request target exactly as sent
  std::string method;
  bool headers_seen = false;
  int status = 0;  // 0 until a response is queued
  uint64_t bytes = 0;
};

namespace {

using Clock = std::chrono::steady_clock;

// Request headers straight from libmicrohttpd (case-insensitive lookup, no copies).
class MhdHeaders : public RequestHeaders {
 public:
  explicit MhdHeaders(MHD_Connection* connection) : connection_(connection) {}
  absl::optional<absl::string_view> Get(absl::string_view name) const override {
    const char* value = nullptr;
    size_t size = 0;
    if (MHD_lookup_connection_value_n(connection_, MHD_HEADER_KIND, name.data(), name.size(),
                                      &value, &size) != MHD_YES ||
        value == nullptr) {
      return absl::nullopt;
    }
    return absl::string_view(value, size);
  }

 private:
  MHD_Connection* connection_;
};

void AddHeaders(MHD_Response* response, const Headers& headers) {
  for (const auto& [name, value] : headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
}

// Keeps the log line free of control characters and quotes (a path is client input).
void AppendEscaped(std::string* out, absl::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      absl::StrAppendFormat(out, "\\x%02x", c);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

// More connections than the default soft limit of 1024 descriptors allows, when permitted.
void RaiseFileLimit() {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

struct ServerCallbacks {
  // Called once per request, with the request target before any decoding: the context it
  // returns lives until OnCompleted (libmicrohttpd guarantees that call once it was made).
  static void* OnRequestLine(void* cls, const char* uri, MHD_Connection*) {
    auto* server = static_cast<Server*>(cls);
    server->in_flight_.fetch_add(1);
    auto* context = new Server::RequestContext;
    context->start = Clock::now();
    context->target = uri != nullptr ? uri : "";
    return context;
  }

  static void OnCompleted(void* cls, MHD_Connection*, void** context,
                          enum MHD_RequestTerminationCode) {
    auto* server = static_cast<Server*>(cls);
    auto* request = static_cast<Server::RequestContext*>(*context);
    if (request == nullptr) return;
    if (request->status != 0 && server->options_.access_log) server->Log(*request);
    delete request;
    *context = nullptr;
    server->in_flight_.fetch_sub(1);
  }

  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char*,
                              const char* method, const char*, const char*,
                              size_t* upload_data_size, void** context) {
    auto* server = static_cast<Server*>(cls);
    auto* request = static_cast<Server::RequestContext*>(*context);
    if (request == nullptr) return MHD_NO;  // cannot happen: OnRequestLine always sets it
    if (!request->headers_seen) {
      // The first call only announces the headers; a response queued now would make
      // libmicrohttpd close the connection (it cannot yet know the body is consumed).
      request->headers_seen = true;
      return MHD_YES;
    }
    if (*upload_data_size != 0) {
      // This app takes no request bodies: discard them, then answer.
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (request->status != 0) return MHD_YES;
    return server->Respond(connection, request, method) == MHD_YES ? MHD_YES : MHD_NO;
  }
};

Server::Server(const App* app, const StaticFiles* static_files, ServerOptions options)
    : app_(app), static_files_(static_files), options_(options) {}

Server::~Server() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
  for (auto& [key, response] : prebuilt_) MHD_destroy_response(response);
}

void Server::BuildStaticResponses() {
  // Each prebuilt response costs about a kilobyte of headers; past this many, responses are
  // built per request (still correct, slightly slower) so huge trees do not eat the memory.
  constexpr size_t kMaxPrebuilt = 50000;
  std::vector<bool> header_sets = app_->StaticHeaderSets();
  for (const StaticFile* file : static_files_->files()) {
    for (const StaticVariant& variant : file->variants) {
      if (!variant.in_memory) continue;  // large files: opened per request, sent with sendfile
      for (bool secure : header_sets) {
        if (prebuilt_.size() >= kMaxPrebuilt) return;
        MHD_Response* response = MHD_create_response_from_buffer(
            variant.data.size(), const_cast<char*>(variant.data.data()), MHD_RESPMEM_PERSISTENT);
        AddHeaders(response, app_->StaticHeaders(*file, variant, secure));
        prebuilt_[{&variant, secure}] = response;
      }
    }
  }
}

absl::Status Server::Start() {
  RaiseFileLimit();
  BuildStaticResponses();
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                       MHD_USE_TURBO | MHD_USE_ERROR_LOG;
  daemon_ = MHD_start_daemon(
      flags, static_cast<uint16_t>(options_.port), nullptr, nullptr, &ServerCallbacks::OnRequest,
      this, MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned int>(options_.threads),
      MHD_OPTION_CONNECTION_LIMIT, 10000u, MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned int>(options_.idle_timeout_seconds), MHD_OPTION_LISTEN_BACKLOG_SIZE,
      1024u, MHD_OPTION_URI_LOG_CALLBACK, &ServerCallbacks::OnRequestLine, this,
      MHD_OPTION_NOTIFY_COMPLETED, &ServerCallbacks::OnCompleted, this, MHD_OPTION_END);
  if (daemon_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot listen on 0.0.0.0:", options_.port,
                                               " (port in use, or not permitted?)"));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  bound_port_ = info != nullptr ? info->port : options_.port;
  return absl::OkStatus();
}

bool Server::Shutdown() {
  if (daemon_ == nullptr) return true;
  stopping_ = true;
  MHD_socket listener = MHD_quiesce_daemon(daemon_);
  auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options_.graceful_timeout_seconds));
  while (in_flight_.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  bool drained = in_flight_.load() == 0;
  MHD_stop_daemon(daemon_);  // closes idle keep-alive connections and joins the workers
  daemon_ = nullptr;
  if (listener != MHD_INVALID_SOCKET) close(listener);
  return drained;
}

int Server::Respond(MHD_Connection* connection, RequestContext* context, const char* method) {
  context->method = method;
  MhdHeaders headers(connection);
  Request request;
  request.method = method;
  request.headers = &headers;
  bool head = request.method == "HEAD";
  if (!ParseRequestTarget(context->target, &request.path, &request.raw_path, &request.query)) {
    Response bad;
    bad.status = 400;
    bad.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    bad.body = "Bad Request\n";
    return Queue(connection, context, head, bad);
  }
  return Queue(connection, context, head, app_->Handle(request));
}

int Server::Queue(MHD_Connection* connection, RequestContext* context, bool head,
                  const Response& response) {
  context->status = response.status;
  bool bodiless = head || response.status == 304 || response.status == 204;
  bool stopping = stopping_.load();
  MHD_Response* reply = nullptr;
  bool shared = false;
  if (response.prebuilt && !stopping) {
    auto it = prebuilt_.find({response.file, response.secure});
    if (it != prebuilt_.end()) {
      reply = it->second;
      shared = true;
    }
  }
  if (reply == nullptr && response.file != nullptr) {
    const StaticVariant& variant = *response.file;
    if (variant.in_memory) {
      reply = MHD_create_response_from_buffer(
          response.file_length, const_cast<char*>(variant.data.data()) + response.file_offset,
          MHD_RESPMEM_PERSISTENT);
    } else {
      int fd = open(variant.fs_path.c_str(), O_RDONLY | O_CLOEXEC);
      // libmicrohttpd owns the descriptor from here and closes it with the response.
      if (fd >= 0) {
        reply =
            MHD_create_response_from_fd_at_offset64(response.file_length, fd, response.file_offset);
        if (reply == nullptr) close(fd);
      }
    }
    if (reply == nullptr) {
      context->status = 500;
      reply = MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT);
    } else if (response.prebuilt) {
      AddHeaders(reply, app_->StaticHeaders(*response.static_file, variant, response.secure));
    } else {
      AddHeaders(reply, response.headers);
    }
  }
  if (reply == nullptr) {
    reply = MHD_create_response_from_buffer(
        response.body.size(), const_cast<char*>(response.body.data()), MHD_RESPMEM_MUST_COPY);
    AddHeaders(reply, response.headers);
  }
  if (stopping && !shared) MHD_add_response_header(reply, "Connection", "close");
  context->bytes =
      bodiless ? 0 : (response.file != nullptr ? response.file_length : response.body.size());
  MHD_Result queued =
      MHD_queue_response(connection, static_cast<unsigned int>(context->status), reply);
  if (!shared) MHD_destroy_response(reply);  // the connection holds its own reference
  return queued;
}

void Server::Log(const RequestContext& context) const {
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - context.start).count();
  // The path only: query strings can carry tokens, and logs must never hold secrets.
  absl::string_view target = context.target;
  absl::string_view path = target.substr(0, target.find('?'));
  std::string line = "method=";
  AppendEscaped(&line, context.method);
  line += " path=\"";
  AppendEscaped(&line, path);
  absl::StrAppendFormat(&line, "\" status=%d bytes=%u duration_ms=%.3f\n", context.status,
                        context.bytes, ms);
  // One write per line: lines from concurrent workers never interleave.
  ssize_t ignored = write(STDOUT_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace bookstore
