#include "examples/bookstore/book_store.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/bookstore/test_util.h"

namespace bookstore {
namespace {

DatabaseConfig SqliteFile(const std::string& path) {
  DatabaseConfig config;
  config.engine = Engine::kSqlite;
  config.name = path;
  return config;
}

TEST(BookStoreTest, MigrateCreatesSeedsAndIsIdempotent) {
  DatabaseConfig config = SqliteFile(testing::MakeTempDir() + "/db.sqlite3");
  auto store = BookStore::Open(config, 2, OpenMode::kCreate);
  ASSERT_TRUE(store.ok()) << store.status();
  auto pending = (*store)->PendingMigrations();
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 2u);
  auto applied = (*store)->Migrate();
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, (std::vector<std::string>{"0001_create_books", "0002_seed_books"}));
  auto again = (*store)->Migrate();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->empty());
  EXPECT_TRUE((*store)->PendingMigrations()->empty());

  auto books = (*store)->ListBooks();
  ASSERT_TRUE(books.ok()) << books.status();
  ASSERT_EQ(books->size(), 5u);
  EXPECT_EQ((*books)[0].title, "Alice's Adventures in Wonderland");  // ordered by title
  auto book = (*store)->GetBook(2);
  ASSERT_TRUE(book.ok());
  ASSERT_TRUE(book->has_value());
  EXPECT_EQ((*book)->author, "Herman Melville");
  EXPECT_EQ((*book)->price_cents, 1250);
  EXPECT_EQ((*book)->published_year, 1851);
  EXPECT_FALSE((*store)->GetBook(999)->has_value());
  EXPECT_TRUE((*store)->Ping().ok());

  // A second process (here: a second store) sees the same data and nothing to apply.
  auto serving = BookStore::Open(config, 4, OpenMode::kExisting);
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_TRUE((*serving)->Migrate()->empty());
  EXPECT_EQ((*serving)->ListBooks()->size(), 5u);
}

TEST(BookStoreTest, ServingAMissingFileIsAClearError) {
  auto store = BookStore::Open(SqliteFile(testing::MakeTempDir() + "/absent.sqlite3"), 1,
                               OpenMode::kExisting);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("bookstore migrate"), std::string::npos);
}

TEST(BookStoreTest, InMemoryDatabaseIsSharedByThePool) {
  DatabaseConfig config;
  config.engine = Engine::kSqlite;
  config.name = ":memory:";
  auto store = BookStore::Open(config, 4, OpenMode::kExisting);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Migrate().ok());
  // Concurrent readers on separate pooled connections all see the migrated data.
  std::vector<std::thread> readers;
  std::vector<size_t> counts(8);
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&store, &counts, i] {
      auto books = (*store)->ListBooks();
      counts[i] = books.ok() ? books->size() : 0;
    });
  }
  for (auto& t : readers) t.join();
  for (size_t count : counts) EXPECT_EQ(count, 5u);
}

TEST(BookStoreTest, FormatPrice) {
  EXPECT_EQ(FormatPrice(0), "0.00");
  EXPECT_EQ(FormatPrice(5), "0.05");
  EXPECT_EQ(FormatPrice(1250), "12.50");
  EXPECT_EQ(FormatPrice(123456), "1234.56");
}

TEST(BookStoreTest, UnreachablePostgresIsAnErrorWithoutThePassword) {
  DatabaseConfig config;
  config.engine = Engine::kPostgres;
  config.host = "127.0.0.1";
  config.port = 1;  // nothing listens there
  config.name = "db";
  config.user = "u";
  config.password = "hunter2-secret";
  config.options["connect_timeout"] = "2";
  auto store = BookStore::Open(config, 1, OpenMode::kExisting);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message().find("hunter2-secret"), std::string::npos);
  EXPECT_NE(store.status().message().find("127.0.0.1:1/db"), std::string::npos);
}

}  // namespace
}  // namespace bookstore
