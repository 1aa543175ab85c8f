#include "examples/bookstore/settings.h"

#include <map>

#include "gtest/gtest.h"

namespace bookstore {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> absl::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return absl::nullopt;
    return it->second;
  };
}

TEST(SettingsTest, ProductionByDefaultNeedsASecretKey) {
  absl::StatusOr<Settings> missing = LoadSettings(Env({}), "", /*require_secret=*/true);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("SECRET_KEY"), std::string::npos);
  // migrate does not need one.
  EXPECT_TRUE(LoadSettings(Env({}), "", /*require_secret=*/false).ok());

  absl::StatusOr<Settings> s = LoadSettings(Env({{"SECRET_KEY", "k"}}), "", true);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->debug);
  EXPECT_TRUE(s->ssl_redirect);
  EXPECT_EQ(s->hsts_seconds, 31536000);
  EXPECT_EQ(s->port, 8000);
  EXPECT_EQ(s->database_url, "sqlite:///db.sqlite3");
  EXPECT_EQ(s->static_root, "/app/staticfiles");
  EXPECT_EQ(s->allowed_hosts, std::vector<std::string>{"*"});
  EXPECT_GE(s->threads, 2);
}

TEST(SettingsTest, DebugTurnsOffTheProductionSettings) {
  absl::StatusOr<Settings> s = LoadSettings(Env({{"DEBUG", "True"}}), "", true);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->debug);
  EXPECT_FALSE(s->ssl_redirect);
  EXPECT_EQ(s->hsts_seconds, 0);
  EXPECT_FALSE(s->secret_key.empty());
}

TEST(SettingsTest, ProductionEnvironmentRefusesDebug) {
  EXPECT_FALSE(LoadSettings(Env({{"DEBUG", "1"}, {"ENVIRONMENT", "production"}}), "", true).ok());
  EXPECT_TRUE(
      LoadSettings(Env({{"DEBUG", "0"}, {"ENVIRONMENT", "production"}, {"SECRET_KEY", "k"}}), "",
                   true)
          .ok());
}

TEST(SettingsTest, ReadsTheEnvironment) {
  absl::StatusOr<Settings> s = LoadSettings(Env({{"SECRET_KEY", "k"},
                                                 {"PORT", "5000"},
                                                 {"WEB_CONCURRENCY", "3"},
                                                 {"DATABASE_URL", "postgres://h/db"},
                                                 {"BOOKSTORE_TEMPLATES", "/t"},
                                                 {"BOOKSTORE_STATIC_ROOT", "/s"},
                                                 {"ALLOWED_HOSTS", " a.example , .b.example,"},
                                                 {"SECURE_SSL_REDIRECT", "off"},
                                                 {"SECURE_HSTS_SECONDS", "60"},
                                                 {"BOOKSTORE_GRACEFUL_TIMEOUT", "3"}}),
                                            "", true);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->port, 5000);
  EXPECT_EQ(s->threads, 3);
  EXPECT_EQ(s->database_url, "postgres://h/db");
  EXPECT_EQ(s->templates_dir, "/t");
  EXPECT_EQ(s->static_root, "/s");
  EXPECT_EQ(s->allowed_hosts, (std::vector<std::string>{"a.example", ".b.example"}));
  EXPECT_FALSE(s->ssl_redirect);
  EXPECT_EQ(s->hsts_seconds, 60);
  EXPECT_EQ(s->graceful_timeout_seconds, 3);
}

TEST(SettingsTest, BadValuesAreErrors) {
  EXPECT_FALSE(LoadSettings(Env({{"DEBUG", "maybe"}}), "", true).ok());
  EXPECT_FALSE(LoadSettings(Env({{"SECRET_KEY", "k"}, {"PORT", "http"}}), "", true).ok());
  EXPECT_FALSE(LoadSettings(Env({{"SECRET_KEY", "k"}, {"PORT", "70000"}}), "", true).ok());
  EXPECT_FALSE(LoadSettings(Env({{"SECRET_KEY", "k"}, {"WEB_CONCURRENCY", "0"}}), "", true).ok());
}

TEST(SettingsTest, ParseBool) {
  for (const char* yes : {"1", "true", "True", "YES", "on"}) EXPECT_TRUE(*ParseBool("X", yes));
  for (const char* no : {"", "0", "false", "No", "OFF"}) EXPECT_FALSE(*ParseBool("X", no));
  EXPECT_FALSE(ParseBool("X", "2").ok());
}

TEST(SettingsTest, SecretKeyWarningsNeverQuoteTheKey) {
  std::vector<std::string> weak = SecretKeyWarnings("short-key");
  ASSERT_FALSE(weak.empty());
  for (const std::string& w : weak) EXPECT_EQ(w.find("short-key"), std::string::npos);
  EXPECT_TRUE(SecretKeyWarnings("x7Gm2Kq9Zp4Rt8Wv1Ys6Bn3Lc5Hd0Jf-Ua7Ei2Oo9Xr4Tq8Mz1Nw").empty());
  EXPECT_FALSE(
      SecretKeyWarnings("django-insecure-x7Gm2Kq9Zp4Rt8Wv1Ys6Bn3Lc5Hd0Jf-Ua7Ei2Oo9").empty());
}

}  // namespace
}  // namespace bookstore
