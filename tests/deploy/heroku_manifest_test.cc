#include "builder/deploy/heroku_manifest.h"

#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace stowage {
namespace {

const char kDigest[] = "sha256:4385f38abe817d1989200215c134880c4a137d80cf3e6131401c4a85231612fc";

HerokuSpec BookstoreSpec() {
  HerokuSpec spec;
  spec.label = "//app:heroku";
  spec.repository = "registry.example.invalid/bookstore";
  spec.addons = {{"heroku-postgresql", "DATABASE"}};
  spec.config = {{"DJANGO_SETTINGS_MODULE", "bookstore.settings"}, {"DEBUG", "0"}};
  spec.release_command = {"/app/bin/bookstore", "migrate"};
  spec.processes = {{"web", "/app/bin/bookstore serve --bind 0.0.0.0:$PORT"},
                    {"worker", "/app/bin/bookstore worker"}};
  return spec;
}

TEST(ParseAddonTest, SplitsOnlyAnUpperCaseAttachment) {
  auto a = ParseAddon("heroku-postgresql:DATABASE");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->plan, "heroku-postgresql");
  EXPECT_EQ(a->as, "DATABASE");
  auto b = ParseAddon("heroku-postgresql:essential-0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->plan, "heroku-postgresql:essential-0");
  EXPECT_EQ(b->as, "");
  auto c = ParseAddon("heroku-postgresql:essential-0:HEROKU_DB");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->plan, "heroku-postgresql:essential-0");
  EXPECT_EQ(c->as, "HEROKU_DB");
  EXPECT_FALSE(ParseAddon("").ok());
  EXPECT_FALSE(ParseAddon("Bad Plan").ok());
  EXPECT_FALSE(ParseAddon(":DATABASE").ok());
}

TEST(HerokuYmlTest, FollowsTheDocumentedFormat) {
  auto text = GenerateHerokuYml(BookstoreSpec());
  ASSERT_TRUE(text.ok()) << text.status();
  YAML::Node yml = YAML::Load(*text);
  EXPECT_EQ(yml["setup"]["addons"][0]["plan"].as<std::string>(), "heroku-postgresql");
  EXPECT_EQ(yml["setup"]["addons"][0]["as"].as<std::string>(), "DATABASE");
  EXPECT_EQ(yml["setup"]["config"]["DEBUG"].as<std::string>(), "0");
  EXPECT_EQ(yml["setup"]["config"]["DEBUG"].Tag(), "!");  // a string, not the number 0
  EXPECT_EQ(yml["build"]["docker"]["web"].as<std::string>(), "Dockerfile");
  EXPECT_EQ(yml["release"]["command"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"/app/bin/bookstore", "migrate"}));
  EXPECT_EQ(yml["release"]["image"].as<std::string>(), "web");
  EXPECT_EQ(yml["run"]["web"].as<std::string>(), "/app/bin/bookstore serve --bind 0.0.0.0:$PORT");
  EXPECT_EQ(yml["run"]["worker"]["command"][0].as<std::string>(), "/app/bin/bookstore worker");
  EXPECT_EQ(yml["run"]["worker"]["image"].as<std::string>(), "web");
  // Section order as documented: setup, build, release, run.
  EXPECT_LT(text->find("setup:"), text->find("build:"));
  EXPECT_LT(text->find("build:"), text->find("release:"));
  EXPECT_LT(text->find("release:"), text->find("run:"));
}

TEST(HerokuYmlTest, SaysStaticFilesWereCollectedAtBuildTime) {
  HerokuSpec spec = BookstoreSpec();
  spec.release_command = {"python3", "manage.py", "migrate", "--noinput"};
  spec.static_assets_label = "//app:staticfiles";
  spec.static_root = "/app/staticfiles";
  auto text = GenerateHerokuYml(spec);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find("# Static files were collected at build time (collectstatic, by "
                       "//app:staticfiles) into /app/staticfiles in the image:\n"
                       "# the release phase does not run collectstatic.\n"),
            std::string::npos)
      << *text;
  EXPECT_EQ(YAML::Load(*text)["release"]["command"][1].as<std::string>(), "manage.py");
  // Without a static_assets target, nothing is claimed.
  EXPECT_EQ(GenerateHerokuYml(BookstoreSpec())->find("collectstatic"), std::string::npos);

  // collectstatic in the release phase is refused: the release dyno's files are discarded.
  spec.release_command = {"sh", "-c", "python3 manage.py collectstatic --noinput && migrate"};
  auto refused = GenerateHerokuYml(spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(std::string(refused.status().message())
                .find("release_command runs collectstatic, but static files are collected at "
                      "build time by //app:staticfiles"),
            std::string::npos);
  spec.static_root.clear();
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
}

TEST(HerokuYmlTest, OmitsEmptySections) {
  HerokuSpec spec;
  spec.label = "//x";
  spec.repository = "r/app";
  auto text = GenerateHerokuYml(spec);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("setup:"), std::string::npos);
  EXPECT_EQ(text->find("release:"), std::string::npos);
  EXPECT_EQ(text->find("run:"), std::string::npos);
  EXPECT_NE(text->find("build:\n  docker:\n    web: Dockerfile\n"), std::string::npos);
}

TEST(HerokuYmlTest, RefusesSecretsWithoutPrintingThem) {
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"SECRET_KEY", "abc"},
           {"DB_PASSWORD", "x"},
           {"GITHUB_TOKEN", "x"},
           {"HEROKU_API_KEY", "x"},
           {"SENTRY", "k9#Vq2!xL7@pR4$wZ8^mT1&nB6*cY3(d"},
           {"BACKUP", "AKIAIOSFODNN7EXAMPLE"}}) {
    HerokuSpec spec = BookstoreSpec();
    spec.config[name] = value;
    auto text = GenerateHerokuYml(spec);
    ASSERT_FALSE(text.ok()) << name;
    std::string message(text.status().message());
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find("heroku config:set"), std::string::npos) << message;
    if (value.size() > 3) {
      EXPECT_EQ(message.find(value), std::string::npos) << message;
    }
  }
}

TEST(HerokuYmlTest, RefusesAWebProcessIgnoringPort) {
  HerokuSpec spec = BookstoreSpec();
  spec.processes["web"] = "/app/bin/bookstore serve --bind 0.0.0.0:8000";
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
  spec.processes["web"] = "gunicorn --bind 0.0.0.0:${PORT:-8000} app";
  EXPECT_TRUE(GenerateHerokuYml(spec).ok());
}

TEST(HerokuYmlTest, RefusesBadNames) {
  HerokuSpec spec = BookstoreSpec();
  spec.processes["Web Server"] = "x $PORT";
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
  spec = BookstoreSpec();
  spec.config["BAD NAME"] = "x";
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
  spec = BookstoreSpec();
  spec.repository = "Registry/Has:Tag";
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
  spec = BookstoreSpec();
  spec.addons.push_back({"heroku-redis", "DATABASE"});
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
  spec = BookstoreSpec();
  spec.dockerfile_path = "../Dockerfile";
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
}

TEST(ReferencesPortTest, RecognisesPortReferences) {
  EXPECT_TRUE(ReferencesPort("x --port $PORT"));
  EXPECT_TRUE(ReferencesPort("x 0.0.0.0:$PORT"));
  EXPECT_TRUE(ReferencesPort("x ${PORT}"));
  EXPECT_TRUE(ReferencesPort("x ${PORT:-8000}"));
  EXPECT_FALSE(ReferencesPort("x $PORTAL"));
  EXPECT_FALSE(ReferencesPort("x --port 8000"));
  EXPECT_FALSE(ReferencesPort("x PORT"));
}

TEST(DockerfileTest, PinsTheManifestDigest) {
  auto text = GenerateHerokuDockerfile(BookstoreSpec(), kDigest);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find(std::string("\nFROM registry.example.invalid/bookstore@") + kDigest + "\n"),
            std::string::npos);
  EXPECT_FALSE(GenerateHerokuDockerfile(BookstoreSpec(), "sha256:ABC").ok());
  EXPECT_FALSE(GenerateHerokuDockerfile(BookstoreSpec(), "latest").ok());
}

TEST(HerokuSpecFromJsonTest, ParsesAndRejectsUnknownFields) {
  auto spec = HerokuSpecFromJson(nlohmann::json::parse(
      R"({"label":"//x","repository":"r/a","addons":["heroku-redis"],
          "addon_attachments":{"DATABASE":"heroku-postgresql:essential-0"},
          "config":{"A":"b"},"release_command":["m"],"processes":{"web":"w $PORT"},
          "dockerfile_path":"Dockerfile"})"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->addons.size(), 2u);
  EXPECT_EQ(spec->addons[1].as, "DATABASE");
  EXPECT_EQ(spec->addons[1].plan, "heroku-postgresql:essential-0");
  EXPECT_FALSE(HerokuSpecFromJson(nlohmann::json::parse(R"({"reposit":"x"})")).ok());
  EXPECT_FALSE(HerokuSpecFromJson(nlohmann::json::parse(R"({"config":{"A":1}})")).ok());
}

TEST(HerokuYmlTest, LongValuesAreErrorsOrOutputNeverACrash) {
  // std::regex on long spec values overflowed the stack; RE2 is linear and does not recurse.
  std::string big(1 << 20, 'a');
  HerokuSpec spec = BookstoreSpec();
  spec.processes["web"] = big + " $PORT";
  spec.config["GREETING"] = big;
  EXPECT_TRUE(GenerateHerokuYml(spec).ok());
  spec.processes["web"] = big;  // no $PORT anywhere
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
  spec = BookstoreSpec();
  spec.config[big + "-"] = "x";  // not a name: RE2 says so in one pass
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
  EXPECT_FALSE(ParseAddon(big + ":" + std::string(1 << 20, 'A') + "-").ok());
  spec = BookstoreSpec();
  spec.repository = big;
  EXPECT_FALSE(GenerateHerokuYml(spec).ok());
}

}  // namespace
}  // namespace stowage
