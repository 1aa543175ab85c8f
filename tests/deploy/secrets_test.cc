#include "builder/deploy/secrets.h"

#include "gtest/gtest.h"

namespace stowage {
namespace {

TEST(SecretNameTest, FlagsSecretNames) {
  for (const char* name :
       {"SECRET_KEY", "DJANGO_SECRET_KEY", "DB_PASSWORD", "POSTGRES_PASSWORD", "GITHUB_TOKEN",
        "HEROKU_API_KEY", "API_KEY", "AWS_SECRET_ACCESS_KEY", "STRIPE_KEY", "com.example.api-token",
        "smtp.pass", "MY_APIKEY", "GOOGLE_CREDENTIALS"}) {
    EXPECT_TRUE(SecretNameReason(name).has_value()) << name;
  }
  for (const char* name :
       {"DEBUG", "ENVIRONMENT", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS", "PORT",
        "SSH_PUBLIC_KEY", "GPG_KEY", "KEYBOARD", "PASSPORT_MODE", "POSTGRES_HOST_AUTH_METHOD",
        "WEB_CONCURRENCY", "TOKENIZER_MODEL"}) {
    EXPECT_FALSE(SecretNameReason(name).has_value()) << name;
  }
}

TEST(SecretValueTest, FlagsSecretValues) {
  for (const char* value : {
           "AKIAIOSFODNN7EXAMPLE",
           "-----BEGIN RSA PRIVATE KEY-----\nMIIB...",
           "postgres://user:hunter2@db:5432/app",
           "django-insecure-abc",
           "ghp_0123456789abcdefghijABCDEFGHIJ012345",
           "sk_live_0123456789abcdefghijklmn",
           "k9#Vq2!xL7@pR4$wZ8^mT1&nB6*cY3(d",  // a Django-style random key
           "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
           // An interpolation's default, alternate and message words are written in the file.
           "${SECRET_KEY:-django-insecure-abc}",
           "${T-ghp_0123456789abcdefghijABCDEFGHIJ012345}",
           "${T:?set it, like ghp_0123456789abcdefghijABCDEFGHIJ012345}",
           "${T:+sk_live_0123456789abcdefghijklmn}",
           "postgres://user:${DB_PASSWORD:-hunter2}@db:5432/app",
           "${NAME:?...ghp_Zq9canary7TnSecretAbCdEfGh}",
           // ...and so are reference names: a token pasted as a name is still a token.
           "$PGRTghp_Zq9canary7TnSecretAbCdEfGh",
           "${ghp_0123456789abcdefghijABCDEFGHIJ012345}",
       }) {
    EXPECT_TRUE(SecretValueReason(value).has_value()) << value;
  }
  for (const char* value : {
           "",
           "production",
           "0",
           "bookstore.settings",
           ".herokuapp.com",
           "postgres://postgres@db:5432/postgres",
           "postgres://postgres:${POSTGRES_PASSWORD:?must be set}@db:5432/postgres",
           "postgres://postgres:${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be "
           "set}@db:5432/postgres",
           "postgres://app:${DB_PASSWORD}@db/app?sslmode=require",
           "${SECRET_KEY:?SECRET_KEY must be set}",
           "${POSTGRES_PASSWORD:-postgres}",
           "${PORT:-8000}",
           "${DJANGO_SETTINGS_MODULE:-bookstore.settings}",
           "$POSTGRES_REPLICATION_PASSWORD_FILE",
           "$SECRET_KEY",
           "sha256:4385f38abe817d1989200215c134880c4a137d80cf3e6131401c4a85231612fc",
           "/app/bin/bookstore serve --bind 0.0.0.0:$PORT",
           "gunicorn bookstore.wsgi --workers 3 --log-file -",
           "heroku-postgresql:essential-0",
           "my-example-bucket",
           "BookstoreSettingsProduction",
       }) {
    EXPECT_FALSE(SecretValueReason(value).has_value()) << value;
  }
}

TEST(SecretValueTest, ReasonNeverQuotesTheValue) {
  const std::string value = "k9#Vq2!xL7@pR4$wZ8^mT1&nB6*cY3(d";
  auto reason = SecretValueReason(value);
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(reason->find(value), std::string::npos);
}

TEST(EntropyTest, MeasuresBitsPerCharacter) {
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abab"), 1);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abcd"), 2);
  EXPECT_FALSE(IsHighEntropyRun("short1A"));
  EXPECT_FALSE(IsHighEntropyRun("0123456789abcdef0123456789abcdef"));  // hex digest-like
  EXPECT_TRUE(IsHighEntropyRun("Zq8RmX2vLp9TnK4wBc7YhJ3d"));
}

TEST(InterpolationTest, RecognisesReferencesOnly) {
  EXPECT_TRUE(IsInterpolationOnly("${A}"));
  EXPECT_TRUE(IsInterpolationOnly("${A:?A must be set}"));
  EXPECT_TRUE(IsInterpolationOnly("${A:-default}"));
  EXPECT_TRUE(IsInterpolationOnly("$A"));
  EXPECT_FALSE(IsInterpolationOnly("x${A}"));
  EXPECT_FALSE(IsInterpolationOnly("${A}x"));
  EXPECT_FALSE(IsInterpolationOnly("literal"));
}

TEST(InterpolationTest, LongValuesAreLinearNotACrash) {
  // A long "${..." Env value made std::regex recurse until the stack overflowed (SIGSEGV).
  std::string open = "${A:-" + std::string(1 << 20, 'x');
  EXPECT_FALSE(IsInterpolationOnly(open));
  EXPECT_TRUE(IsInterpolationOnly(open + "}"));
  EXPECT_FALSE(SecretValueReason(open).has_value());
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "${V" + std::to_string(i) + "} ";
  EXPECT_FALSE(SecretValueReason(many).has_value());
  EXPECT_TRUE(SecretValueReason(std::string(1 << 20, ' ') + "AKIAABCDEFGHIJKLMNOP").has_value());
}

}  // namespace
}  // namespace stowage
