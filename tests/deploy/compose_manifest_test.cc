#include "builder/deploy/compose_manifest.h"

#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace stowage {
namespace {

const char kDigest[] = "sha256:4385f38abe817d1989200215c134880c4a137d80cf3e6131401c4a85231612fc";

ComposeSpec Bookstore() {
  ComposeSpec spec;
  spec.label = "//app:compose";
  spec.repository = "127.0.0.1:5000/bookstore";
  spec.digest = kDigest;
  spec.command = {"/app/bin/bookstore", "serve"};
  spec.ports = {"8000:8000"};
  spec.environment = {{"DJANGO_SETTINGS_MODULE", "bookstore.settings"}};
  spec.secret_env = {"SECRET_KEY"};
  spec.postgres_image = "postgres:15";
  return spec;
}

TEST(ComposeTest, DevelopmentFile) {
  auto files = GenerateCompose(Bookstore());
  ASSERT_TRUE(files.ok()) << files.status();
  YAML::Node dev = YAML::Load(files->development);
  EXPECT_FALSE(dev["version"]);
  YAML::Node web = dev["services"]["web"];
  EXPECT_EQ(web["image"].as<std::string>(), std::string("127.0.0.1:5000/bookstore@") + kDigest);
  EXPECT_EQ(web["ports"][0].as<std::string>(), "8000:8000");
  EXPECT_EQ(web["environment"]["SECRET_KEY"].as<std::string>(),
            "${SECRET_KEY:?SECRET_KEY must be set}");
  EXPECT_EQ(web["environment"]["DEBUG"].as<std::string>(), "1");
  EXPECT_EQ(web["environment"]["ENVIRONMENT"].as<std::string>(), "development");
  EXPECT_EQ(web["environment"]["DATABASE_URL"].as<std::string>(),
            "postgres://postgres@db:5432/postgres");
  EXPECT_EQ(web["depends_on"]["db"]["condition"].as<std::string>(), "service_healthy");
  YAML::Node db = dev["services"]["db"];
  EXPECT_EQ(db["image"].as<std::string>(), "postgres:15");
  EXPECT_EQ(db["volumes"][0].as<std::string>(), "postgres_data:/var/lib/postgresql/data");
  EXPECT_EQ(db["healthcheck"]["test"][0].as<std::string>(), "CMD-SHELL");
  EXPECT_NE(db["healthcheck"]["test"][1].as<std::string>().find("pg_isready"), std::string::npos);
  EXPECT_EQ(db["healthcheck"]["retries"].as<int>(), 10);
  EXPECT_EQ(db["environment"]["POSTGRES_HOST_AUTH_METHOD"].as<std::string>(), "trust");
  EXPECT_TRUE(dev["volumes"]["postgres_data"].IsMap());
  EXPECT_EQ(files->development.find("version:"), std::string::npos);
}

TEST(ComposeTest, ProductionOverride) {
  ComposeSpec spec = Bookstore();
  spec.tag = "dev";
  spec.prod_debug = "False";
  auto files = GenerateCompose(spec);
  ASSERT_TRUE(files.ok());
  YAML::Node dev = YAML::Load(files->development);
  EXPECT_EQ(dev["services"]["web"]["image"].as<std::string>(), "127.0.0.1:5000/bookstore:dev");
  YAML::Node prod = YAML::Load(files->production);
  YAML::Node web = prod["services"]["web"];
  EXPECT_EQ(web["image"].as<std::string>(), std::string("127.0.0.1:5000/bookstore@") + kDigest);
  EXPECT_EQ(web["environment"]["ENVIRONMENT"].as<std::string>(), "production");
  EXPECT_EQ(web["environment"]["DEBUG"].as<std::string>(), "False");
  EXPECT_EQ(web["restart"].as<std::string>(), "unless-stopped");
  EXPECT_FALSE(web["volumes"]);
  EXPECT_EQ(prod["services"]["db"]["restart"].as<std::string>(), "unless-stopped");
  EXPECT_EQ(prod["services"]["db"]["image"].as<std::string>(), "postgres:15");
}

TEST(ComposeTest, DatabasePasswordAsSecret) {
  ComposeSpec spec = Bookstore();
  spec.db_secret_env = {"POSTGRES_PASSWORD"};
  auto files = GenerateCompose(spec);
  ASSERT_TRUE(files.ok());
  YAML::Node dev = YAML::Load(files->development);
  EXPECT_FALSE(dev["services"]["db"]["environment"]["POSTGRES_HOST_AUTH_METHOD"]);
  EXPECT_EQ(dev["services"]["db"]["environment"]["POSTGRES_PASSWORD"].as<std::string>(),
            "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}");
  EXPECT_EQ(
      dev["services"]["web"]["environment"]["DATABASE_URL"].as<std::string>(),
      "postgres://postgres:${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}@db:5432/postgres");
}

TEST(ComposeTest, NoDatabaseWithoutPostgresImage) {
  ComposeSpec spec = Bookstore();
  spec.postgres_image = "";
  auto files = GenerateCompose(spec);
  ASSERT_TRUE(files.ok());
  YAML::Node dev = YAML::Load(files->development);
  EXPECT_FALSE(dev["services"]["db"]);
  EXPECT_FALSE(dev["volumes"]);
  EXPECT_FALSE(dev["services"]["web"]["depends_on"]);
  EXPECT_FALSE(dev["services"]["web"]["environment"]["DATABASE_URL"]);
}

TEST(ComposeTest, RefusesLiteralSecrets) {
  ComposeSpec spec = Bookstore();
  spec.environment["SECRET_KEY"] = "abc";
  EXPECT_FALSE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.environment["DATABASE_URL"] = "postgres://u:hunter2@db/x";
  auto refused = GenerateCompose(spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(std::string(refused.status().message()).find("hunter2"), std::string::npos);
  spec = Bookstore();
  spec.prod_environment["API_TOKEN"] = "x";
  EXPECT_FALSE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.environment["DB_PASSWORD"] = "${DB_PASSWORD}";  // an interpolation is fine
  EXPECT_TRUE(GenerateCompose(spec).ok());
  // ...but not one whose default is the literal secret.
  spec.environment["DB_PASSWORD"] = "${DB_PASSWORD:-k9#Vq2!xL7@pR4$wZ8^mT1&nB6*cY3(d}";
  refused = GenerateCompose(spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(std::string(refused.status().message()).find("k9#Vq2"), std::string::npos);
}

TEST(ComposeTest, RefusesBadInput) {
  ComposeSpec spec = Bookstore();
  spec.ports = {"eighty"};
  EXPECT_FALSE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.prod_restart = "sometimes";
  EXPECT_FALSE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.secret_env = {"SECRET_KEY", "SECRET_KEY"};
  EXPECT_FALSE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.env_file = {"../.env"};
  EXPECT_FALSE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.db_service = "web";
  EXPECT_FALSE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.digest = "sha256:nope";
  EXPECT_FALSE(GenerateCompose(spec).ok());
}

TEST(ComposeTest, Deterministic) {
  auto a = GenerateCompose(Bookstore());
  auto b = GenerateCompose(Bookstore());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->development, b->development);
  EXPECT_EQ(a->production, b->production);
}

TEST(ComposeTest, LongValuesAreErrorsOrOutputNeverACrash) {
  std::string digits(1 << 20, '1');
  ComposeSpec spec = Bookstore();
  spec.ports = {digits + ":" + digits};  // matches the port grammar: fine for RE2
  EXPECT_TRUE(GenerateCompose(spec).ok());
  spec.ports = {digits + ":" + digits + "/x"};
  EXPECT_FALSE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.restart = "on-failure:" + digits;
  EXPECT_TRUE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.environment["GREETING"] = "${A:-" + std::string(1 << 20, 'x');
  EXPECT_TRUE(GenerateCompose(spec).ok());
  spec = Bookstore();
  spec.postgres_image = std::string(1 << 20, 'p') + "!";
  EXPECT_FALSE(GenerateCompose(spec).ok());
}

}  // namespace
}  // namespace stowage
