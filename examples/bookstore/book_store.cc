#include "examples/bookstore/book_store.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "builder/common/status_macros.h"

namespace bookstore {
namespace {

struct Migration {
  int version;
  const char* name;
  absl::Status (*apply)(SqlConnection& db);
};

absl::Status CreateBooks(SqlConnection& db) {
  // Types both SQLite and PostgreSQL accept with the same meaning.
  return db.Execute(
      "CREATE TABLE books ("
      " id BIGINT PRIMARY KEY,"
      " title TEXT NOT NULL,"
      " author TEXT NOT NULL,"
      " price_cents BIGINT NOT NULL CHECK (price_cents >= 0),"
      " published_year INTEGER NOT NULL,"
      " description TEXT NOT NULL DEFAULT '')");
}

absl::Status SeedBooks(SqlConnection& db) {
  const Book seeds[] = {
      {1, "Pride and Prejudice", "Jane Austen", 999, 1813,
       "Elizabeth Bennet meets the proud Mr Darcy."},
      {2, "Moby-Dick; or, The Whale", "Herman Melville", 1250, 1851,
       "Captain Ahab hunts the white whale."},
      {3, "Frankenstein; or, The Modern Prometheus", "Mary Shelley", 875, 1818,
       "A scientist creates life and flees from it."},
      {4, "Alice's Adventures in Wonderland", "Lewis Carroll", 795, 1865,
       "Down the rabbit hole, where nothing is as it seems."},
      {5, "The Adventures of Sherlock Holmes", "Arthur Conan Doyle", 1000, 1892,
       "Twelve cases for the detective & Dr Watson."},
  };
  for (const Book& b : seeds) {
    // ON CONFLICT keeps the seed idempotent even if rows were added by hand.
    RETURN_IF_ERROR(db.Query("INSERT INTO books (id, title, author, price_cents, "
                             "published_year, description) VALUES ($1, $2, $3, $4, $5, $6) "
                             "ON CONFLICT (id) DO NOTHING",
                             {absl::StrCat(b.id), b.title, b.author, absl::StrCat(b.price_cents),
                              absl::StrCat(b.published_year), b.description})
                        .status());
  }
  return absl::OkStatus();
}

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, "0001_create_books", &CreateBooks},
      {2, "0002_seed_books", &SeedBooks},
  };
  return *migrations;
}

constexpr char kBookColumns[] = "id, title, author, price_cents, published_year, description";

absl::StatusOr<Book> BookFromRow(const Row& row) {
  Book book;
  if (row.size() != 6 || !absl::SimpleAtoi(row[0], &book.id) ||
      !absl::SimpleAtoi(row[3], &book.price_cents) ||
      !absl::SimpleAtoi(row[4], &book.published_year)) {
    return absl::DataLossError("unexpected row in table books");
  }
  book.title = row[1];
  book.author = row[2];
  book.description = row[5];
  return book;
}

absl::StatusOr<std::set<int>> AppliedVersions(SqlConnection& db) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, db.Query("SELECT version FROM bookstore_migrations", {}));
  std::set<int> versions;
  for (const Row& row : rows) {
    int v;
    if (row.empty() || !absl::SimpleAtoi(row[0], &v)) {
      return absl::DataLossError("unexpected row in table bookstore_migrations");
    }
    versions.insert(v);
  }
  return versions;
}

absl::StatusOr<std::vector<std::string>> ApplyPending(SqlConnection& db) {
  RETURN_IF_ERROR(
      db.Execute("CREATE TABLE IF NOT EXISTS bookstore_migrations ("
                 " version INTEGER PRIMARY KEY, name TEXT NOT NULL)"));
  ASSIGN_OR_RETURN(std::set<int> applied, AppliedVersions(db));
  std::vector<std::string> names;
  for (const Migration& m : Migrations()) {
    if (applied.count(m.version) > 0) continue;
    RETURN_IF_ERROR(m.apply(db));
    RETURN_IF_ERROR(db.Query("INSERT INTO bookstore_migrations (version, name) VALUES ($1, $2)",
                             {absl::StrCat(m.version), m.name})
                        .status());
    names.push_back(m.name);
  }
  return names;
}

}  // namespace

std::string FormatPrice(int64_t cents) {
  return absl::StrFormat("%d.%02d", cents / 100, cents % 100);
}

absl::StatusOr<std::unique_ptr<BookStore>> BookStore::Open(const DatabaseConfig& config,
                                                           int pool_size, OpenMode mode) {
  auto factory = [config, mode]() { return OpenConnection(config, mode); };
  auto store = std::unique_ptr<BookStore>(
      new BookStore(std::make_unique<ConnectionPool>(factory, pool_size)));
  if (config.engine == Engine::kSqlite && config.name == ":memory:") {
    ASSIGN_OR_RETURN(store->keeper_, OpenConnection(config, mode));
  }
  // Fail at startup, with the reason, rather than on the first request.
  ASSIGN_OR_RETURN(ConnectionPool::Lease lease, store->pool_->Acquire());
  return store;
}

absl::StatusOr<std::vector<Book>> BookStore::ListBooks() {
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_->Acquire());
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      db->Query(absl::StrCat("SELECT ", kBookColumns, " FROM books ORDER BY title, id"), {}));
  std::vector<Book> books;
  books.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(Book book, BookFromRow(row));
    books.push_back(std::move(book));
  }
  return books;
}

absl::StatusOr<absl::optional<Book>> BookStore::GetBook(int64_t id) {
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_->Acquire());
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   db->Query(absl::StrCat("SELECT ", kBookColumns, " FROM books WHERE id = $1"),
                             {absl::StrCat(id)}));
  if (rows.empty()) return absl::optional<Book>();
  ASSIGN_OR_RETURN(Book book, BookFromRow(rows[0]));
  return absl::optional<Book>(std::move(book));
}

absl::Status BookStore::Ping() {
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_->Acquire());
  return db->Query("SELECT 1", {}).status();
}

absl::StatusOr<std::vector<std::string>> BookStore::Migrate() {
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_->Acquire());
  absl::Status begun = db->BeginExclusive();
  if (!begun.ok()) {
    db->Execute("ROLLBACK").IgnoreError();
    return begun;
  }
  absl::StatusOr<std::vector<std::string>> applied = ApplyPending(*db);
  if (!applied.ok()) {
    db->Execute("ROLLBACK").IgnoreError();
    return applied.status();
  }
  RETURN_IF_ERROR(db->Execute("COMMIT"));
  return applied;
}

absl::StatusOr<std::vector<std::string>> BookStore::PendingMigrations() {
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_->Acquire());
  std::set<int> applied;
  absl::StatusOr<std::set<int>> versions = AppliedVersions(*db);
  if (versions.ok()) applied = *std::move(versions);  // no table yet: nothing applied
  std::vector<std::string> pending;
  for (const Migration& m : Migrations()) {
    if (applied.count(m.version) == 0) pending.push_back(m.name);
  }
  return pending;
}

}  // namespace bookstore
