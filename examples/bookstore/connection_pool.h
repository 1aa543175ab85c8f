// A small blocking pool of database connections shared by the server's worker threads: at most
// `max_size` connections, opened on first need, reused, and dropped when they break.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_CONNECTION_POOL_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_CONNECTION_POOL_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "examples/bookstore/sql_connection.h"

namespace bookstore {

class ConnectionPool {
 public:
  using Factory = std::function<absl::StatusOr<std::unique_ptr<SqlConnection>>()>;

  // A connection on loan; it goes back to the pool (or is closed, if broken) on destruction.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<SqlConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_ != nullptr) pool_->Release(std::move(connection_));
    }
    SqlConnection* operator->() const { return connection_.get(); }
    SqlConnection& operator*() const { return *connection_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> connection_;
  };

  ConnectionPool(Factory factory, int max_size)
      : factory_(std::move(factory)), max_size_(max_size < 1 ? 1 : max_size) {}

  // Waits for an idle connection, or opens one while fewer than max_size are open.
  absl::StatusOr<Lease> Acquire();

  int open_connections() const;

 private:
  void Release(std::unique_ptr<SqlConnection> connection);

  Factory factory_;
  const int max_size_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<SqlConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_CONNECTION_POOL_H_
