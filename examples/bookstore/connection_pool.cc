#include "examples/bookstore/connection_pool.h"

namespace bookstore {

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    // Called by Await with mu_ held.
    auto available = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return !idle_.empty() || open_ < max_size_;
    };
    mu_.Await(absl::Condition(&available));
    if (!idle_.empty()) {
      std::unique_ptr<SqlConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    ++open_;  // reserve the slot, then connect without holding the lock
  }
  absl::StatusOr<std::unique_ptr<SqlConnection>> connection = factory_();
  if (!connection.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return connection.status();
  }
  return Lease(this, std::move(connection).value());
}

void ConnectionPool::Release(std::unique_ptr<SqlConnection> connection) {
  bool keep = connection->healthy();
  absl::MutexLock lock(&mu_);
  if (keep) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
    // The broken connection is closed when `connection` goes out of scope.
  }
}

int ConnectionPool::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

}  // namespace bookstore
