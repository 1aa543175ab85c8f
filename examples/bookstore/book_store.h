// The bookstore's data: a `books` table, its migrations and queries, over SQLite or PostgreSQL.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_BOOK_STORE_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_BOOK_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "examples/bookstore/connection_pool.h"
#include "examples/bookstore/database_url.h"

namespace bookstore {

struct Book {
  int64_t id = 0;
  std::string title;
  std::string author;
  int64_t price_cents = 0;
  int published_year = 0;
  std::string description;
};

// "12.50": a decimal string, as Django REST framework renders a DecimalField.
std::string FormatPrice(int64_t cents);

class BookStore {
 public:
  // Opens a pool of up to `pool_size` connections and checks that one connection works.
  static absl::StatusOr<std::unique_ptr<BookStore>> Open(const DatabaseConfig& config,
                                                         int pool_size, OpenMode mode);

  absl::StatusOr<std::vector<Book>> ListBooks();
  absl::StatusOr<absl::optional<Book>> GetBook(int64_t id);
  // A cheap round trip, for /healthz.
  absl::Status Ping();

  // Creates the schema and seeds the catalogue, once: applied migrations are recorded in
  // `bookstore_migrations`, and concurrent migrators are serialised (BEGIN IMMEDIATE on
  // SQLite, an advisory transaction lock on PostgreSQL). Returns the names applied now.
  absl::StatusOr<std::vector<std::string>> Migrate();
  // Names of migrations not applied yet (all of them when the table does not exist).
  absl::StatusOr<std::vector<std::string>> PendingMigrations();

 private:
  explicit BookStore(std::unique_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  std::unique_ptr<ConnectionPool> pool_;
  // Keeps a shared in-memory SQLite database alive while the pool opens and closes others.
  std::unique_ptr<SqlConnection> keeper_;
};

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_BOOK_STORE_H_
