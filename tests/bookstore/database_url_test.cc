// DATABASE_URL parsing, checked against what dj-database-url returns for the same URLs
// (cases from its test suite and README; expected values taken from Debian's python3 module).
#include "examples/bookstore/database_url.h"

#include "gtest/gtest.h"

namespace bookstore {
namespace {

DatabaseConfig Parse(const std::string& url) {
  absl::StatusOr<DatabaseConfig> config = ParseDatabaseUrl(url);
  EXPECT_TRUE(config.ok()) << url << ": " << config.status();
  return config.ok() ? *config : DatabaseConfig{};
}

TEST(DatabaseUrlTest, PostgresWithEverything) {
  DatabaseConfig c = Parse(
      "postgres://uf07k1i6d8ia0v:wegauwhgeuioweg@ec2-107-21-253-135.compute-1.amazonaws.com:5431/"
      "d8r82722r2kuvn");
  EXPECT_EQ(c.engine, Engine::kPostgres);
  EXPECT_EQ(c.name, "d8r82722r2kuvn");
  EXPECT_EQ(c.user, "uf07k1i6d8ia0v");
  EXPECT_EQ(c.password, "wegauwhgeuioweg");
  EXPECT_EQ(c.host, "ec2-107-21-253-135.compute-1.amazonaws.com");
  EXPECT_EQ(c.port, 5431);
  EXPECT_TRUE(c.options.empty());
}

TEST(DatabaseUrlTest, PostgresSchemesAreAliases) {
  for (const char* scheme : {"postgres", "postgresql", "pgsql", "POSTGRES"}) {
    DatabaseConfig c = Parse(std::string(scheme) + "://u@h/db");
    EXPECT_EQ(c.engine, Engine::kPostgres) << scheme;
    EXPECT_EQ(c.name, "db");
  }
}

TEST(DatabaseUrlTest, PercentEncodedSocketDirectoryKeepsItsCase) {
  DatabaseConfig c = Parse("postgres://%2FUsers%2Fpostgres%2FRuN/d8r82722r2kuvn");
  EXPECT_EQ(c.host, "/Users/postgres/RuN");
  EXPECT_EQ(c.name, "d8r82722r2kuvn");
  EXPECT_EQ(c.user, "");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(Parse("postgres://%2Fvar%2Frun%2Fpostgresql/db").host, "/var/run/postgresql");
}

TEST(DatabaseUrlTest, Ipv6HostLosesItsBrackets) {
  DatabaseConfig c = Parse(
      "postgres://ieRaekei9wilaim7:wegauwhgeuioweg@[2001:db8:1234::1234:5678:90af]:5431/"
      "d8r82722r2kuvn");
  EXPECT_EQ(c.host, "2001:db8:1234::1234:5678:90af");
  EXPECT_EQ(c.port, 5431);
  EXPECT_EQ(c.user, "ieRaekei9wilaim7");
}

TEST(DatabaseUrlTest, UserPasswordHostAndNameArePercentDecoded) {
  DatabaseConfig c = Parse("postgresql://%23user:%23password@Host.Example.COM/my%20db");
  EXPECT_EQ(c.user, "#user");
  EXPECT_EQ(c.password, "#password");
  EXPECT_EQ(c.host, "host.example.com");  // host names are case-insensitive: lowered
  EXPECT_EQ(c.name, "my db");
  DatabaseConfig d = Parse("pgsql://u:p%40ss%3Aword@127.0.0.1:6543/bookstore");
  EXPECT_EQ(d.password, "p@ss:word");
  EXPECT_EQ(d.port, 6543);
}

TEST(DatabaseUrlTest, QueryParametersBecomeOptions) {
  DatabaseConfig c =
      Parse("postgres://u:p@h:5431/db?sslrootcert=rds-combined-ca-bundle.pem&sslmode=verify-full");
  EXPECT_EQ(c.options.at("sslrootcert"), "rds-combined-ca-bundle.pem");
  EXPECT_EQ(c.options.at("sslmode"), "verify-full");
  // parse_qs: the last value wins, blank values are dropped, '+' is a space.
  DatabaseConfig d =
      Parse("postgres://h/db?sslmode=require&sslmode=disable&empty=&application_name=a+b");
  EXPECT_EQ(d.options.at("sslmode"), "disable");
  EXPECT_EQ(d.options.count("empty"), 0u);
  EXPECT_EQ(d.options.at("application_name"), "a b");
}

TEST(DatabaseUrlTest, CurrentSchemaBecomesSearchPath) {
  DatabaseConfig c = Parse("postgres://u:p@h:5431/db?currentSchema=otherschema");
  EXPECT_EQ(c.options.count("currentSchema"), 0u);
  EXPECT_EQ(c.options.at("options"), "-c search_path=otherschema");
}

TEST(DatabaseUrlTest, SqliteForms) {
  EXPECT_EQ(Parse("sqlite:///db.sqlite3").name, "db.sqlite3");
  EXPECT_EQ(Parse("sqlite:////full/path/to/your/file.sqlite").name,
            "/full/path/to/your/file.sqlite");
  EXPECT_EQ(Parse("sqlite://:memory:").name, ":memory:");
  EXPECT_EQ(Parse("sqlite://").name, ":memory:");
  EXPECT_EQ(Parse("sqlite://").engine, Engine::kSqlite);
  EXPECT_EQ(Parse(std::string(kDefaultDatabaseUrl)).name, "db.sqlite3");
}

TEST(DatabaseUrlTest, UnknownAndUnsupportedSchemesAreClearErrors) {
  absl::StatusOr<DatabaseConfig> unknown = ParseDatabaseUrl("foo://bar/baz");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown scheme \"foo\""), std::string::npos);
  absl::StatusOr<DatabaseConfig> mysql = ParseDatabaseUrl("mysql://u:p@h/db");
  ASSERT_FALSE(mysql.ok());
  EXPECT_NE(mysql.status().message().find("not supported"), std::string::npos);
  EXPECT_FALSE(ParseDatabaseUrl("no-scheme-here").ok());
}

TEST(DatabaseUrlTest, ErrorsAndDescriptionsNeverContainThePassword) {
  absl::StatusOr<DatabaseConfig> bad_port = ParseDatabaseUrl("postgres://u:s3cr3t@h:99999/db");
  ASSERT_FALSE(bad_port.ok());
  EXPECT_EQ(bad_port.status().message().find("s3cr3t"), std::string::npos);
  DatabaseConfig c = Parse("postgres://u:s3cr3t@h:5432/db");
  EXPECT_EQ(c.Describe().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(c.Describe(), "postgresql h:5432/db");
}

TEST(DatabaseUrlTest, RejectsBadPortsAndMissingNames) {
  EXPECT_FALSE(ParseDatabaseUrl("postgres://h:abc/db").ok());
  EXPECT_FALSE(ParseDatabaseUrl("postgres://h:-1/db").ok());
  EXPECT_FALSE(ParseDatabaseUrl("postgres://h:5432/").ok());
  EXPECT_FALSE(ParseDatabaseUrl("postgres://[::1/db").ok());
}

TEST(DatabaseUrlTest, PercentDecodeKeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("a%2Fb%zz%4"), "a/b%zz%4");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
}

}  // namespace
}  // namespace bookstore
