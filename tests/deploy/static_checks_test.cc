#include "builder/deploy/static_checks.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

std::set<std::string> Ids(const std::vector<Finding>& findings) {
  std::set<std::string> ids;
  for (const Finding& f : findings) ids.insert(f.id);
  return ids;
}

const Finding* Find(const std::vector<Finding>& findings, const std::string& id) {
  for (const Finding& f : findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

nlohmann::json Config(nlohmann::json config) {
  return {{"architecture", "amd64"}, {"os", "linux"}, {"config", config}};
}

nlohmann::json GoodConfig() {
  return Config({{"User", "1000:1000"},
                 {"Env", {"PORT=8000", "ENVIRONMENT=production", "DEBUG=0"}},
                 {"Cmd", {"/app/bin/bookstore", "serve"}}});
}

TEST(ImageConfigTest, GoodImageHasNoFindings) {
  EXPECT_TRUE(CheckImageConfig(GoodConfig(), {}).empty());
  EXPECT_TRUE(CheckImageConfig(GoodConfig(), {/*production=*/true, /*heroku=*/true}).empty());
}

TEST(ImageConfigTest, SecretsInEnvAndLabels) {
  const std::string key = "django-insecure-0123456789abcdefghij";
  auto findings = CheckImageConfig(
      Config({{"User", "app"},
              {"Env", {"PORT=1", "SECRET_KEY=" + key, "EMPTY_PASSWORD=", "REF_TOKEN=${T}"}},
              {"Labels", {{"ci.token", "abc"}, {"title", "bookstore"}}}}),
      {});
  EXPECT_EQ(Ids(findings), (std::set<std::string>{"STW001", "STW002"}));
  for (const Finding& f : findings) {
    EXPECT_EQ(f.severity, Severity::kError);
    EXPECT_EQ(f.message.find(key), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find("abc"), std::string::npos) << f.message;
  }
}

TEST(ImageConfigTest, DebugOnlyAnErrorInProduction) {
  for (const char* on : {"DEBUG=1", "DEBUG=true", "DEBUG=True", "DEBUG=yes"}) {
    auto prod = CheckImageConfig(
        Config({{"User", "1"}, {"Env", {on, "PORT=1", "ENVIRONMENT=production"}}}), {});
    ASSERT_NE(Find(prod, "STW004"), nullptr) << on;
    EXPECT_EQ(Find(prod, "STW004")->severity, Severity::kError);
    auto flag = CheckImageConfig(Config({{"User", "1"}, {"Env", {on, "PORT=1"}}}), {true, false});
    ASSERT_NE(Find(flag, "STW004"), nullptr);
    EXPECT_EQ(Find(flag, "STW004")->severity, Severity::kError);
    auto dev = CheckImageConfig(Config({{"User", "1"}, {"Env", {on, "PORT=1"}}}), {});
    ASSERT_NE(Find(dev, "STW004"), nullptr);
    EXPECT_EQ(Find(dev, "STW004")->severity, Severity::kInfo);
  }
  EXPECT_EQ(Find(CheckImageConfig(Config({{"User", "1"}, {"Env", {"DEBUG=False", "PORT=1"}}}),
                                  {true, false}),
                 "STW004"),
            nullptr);
}

TEST(ImageConfigTest, RootUser) {
  for (const char* user : {"", "root", "0", "0:0", "root:root"}) {
    auto findings = CheckImageConfig(Config({{"User", user}, {"Env", {"PORT=1"}}}), {});
    EXPECT_EQ(Ids(findings), (std::set<std::string>{"STW005"})) << user;
  }
  auto no_user = CheckImageConfig(Config({{"Env", {"PORT=1"}}}), {});
  EXPECT_EQ(Ids(no_user), (std::set<std::string>{"STW005"}));
  for (const char* user : {"1000", "app", "1000:1000", "10:0"}) {
    EXPECT_TRUE(CheckImageConfig(Config({{"User", user}, {"Env", {"PORT=1"}}}), {}).empty())
        << user;
  }
}

TEST(ImageConfigTest, PortRule) {
  auto fixed = Config({{"User", "1"}, {"Cmd", {"/app/bin/serve", "--port", "8000"}}});
  ASSERT_NE(Find(CheckImageConfig(fixed, {}), "STW006"), nullptr);
  EXPECT_EQ(Find(CheckImageConfig(fixed, {}), "STW006")->severity, Severity::kWarning);
  EXPECT_EQ(Find(CheckImageConfig(fixed, {false, true}), "STW006")->severity, Severity::kError);
  auto uses_port =
      Config({{"User", "1"}, {"Entrypoint", {"/bin/sh", "-c"}}, {"Cmd", {"serve --port $PORT"}}});
  EXPECT_EQ(Find(CheckImageConfig(uses_port, {false, true}), "STW006"), nullptr);
  auto env_port = Config({{"User", "1"}, {"Env", {"PORT=8000"}}, {"Cmd", {"/app/bin/serve"}}});
  EXPECT_EQ(Find(CheckImageConfig(env_port, {false, true}), "STW006"), nullptr);
  auto no_command = Config({{"User", "1"}});
  EXPECT_EQ(Find(CheckImageConfig(no_command, {false, true}), "STW006"), nullptr);
}

TEST(ImageConfigTest, HerokuIgnoredFeaturesOnlyForHeroku) {
  auto config = Config({{"User", "1"},
                        {"Env", {"PORT=1"}},
                        {"ExposedPorts", {{"8000/tcp", nlohmann::json::object()}}},
                        {"Healthcheck", {{"Test", {"CMD", "true"}}}},
                        {"Volumes", {{"/data", nlohmann::json::object()}}}});
  EXPECT_TRUE(CheckImageConfig(config, {}).empty());
  EXPECT_EQ(Ids(CheckImageConfig(config, {false, true})),
            (std::set<std::string>{"STW007", "STW008", "STW010"}));
}

TEST(ManifestTest, DockerFormatForHerokuAndAnnotations) {
  nlohmann::json oci = {
      {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
      {"annotations", {{"org.opencontainers.image.source", "https://x.invalid/r"}}}};
  EXPECT_TRUE(CheckImageManifest(oci, {}).empty());
  EXPECT_EQ(Ids(CheckImageManifest(oci, {false, true})), (std::set<std::string>{"STW009"}));
  nlohmann::json docker = {{"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                           {"annotations", {{"deploy.password", "hunter2"}}}};
  EXPECT_EQ(Ids(CheckImageManifest(docker, {false, true})), (std::set<std::string>{"STW002"}));
}

TEST(HerokuYmlCheckTest, DocumentedExampleIsValid) {
  const char* yml = R"(
setup:
  addons:
    - plan: heroku-postgresql
      as: DATABASE
  config:
    S3_BUCKET: my-example-bucket
build:
  docker:
    web: Dockerfile
    worker: worker/Dockerfile
  config:
    RAILS_ENV: development
    FOO: bar
release:
  command:
    - ./deployment-tasks.sh
  image: worker
run:
  web: bundle exec puma -C config/puma.rb -p $PORT
  worker: python myworker.py
  asset-syncer:
    command:
      - python asset-syncer.py
    image: worker
)";
  auto findings = CheckHerokuYml(yml, nullptr, "heroku.yml");
  ASSERT_TRUE(findings.ok()) << findings.status();
  EXPECT_TRUE(findings->empty()) << findings->front().message;
}

TEST(HerokuYmlCheckTest, StructuralProblems) {
  const char* yml = R"(
setup:
  addons:
    - name: heroku-postgresql
  extras: 1
build:
  docker:
    web: Dockerfile
release:
  command: ./migrate
  image: worker
run:
  web:
    command: [serve $PORT]
    image: web
    size: large
deploy: now
)";
  auto findings = CheckHerokuYml(yml, nullptr, "heroku.yml");
  ASSERT_TRUE(findings.ok());
  std::vector<std::string> where;
  for (const Finding& f : *findings) {
    EXPECT_EQ(f.id, "STW013");
    where.push_back(f.message);
  }
  auto mentions = [&](const std::string& text) {
    for (const std::string& m : where) {
      if (m.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(mentions("setup.addons[0].plan"));
  EXPECT_TRUE(mentions("setup.addons[0].name"));
  EXPECT_TRUE(mentions("setup.extras"));
  EXPECT_TRUE(mentions("release.command"));
  EXPECT_TRUE(mentions("release.image"));
  EXPECT_TRUE(mentions("run.web.size"));
  EXPECT_TRUE(mentions("deploy"));
  EXPECT_EQ(findings->size(), 7u);
}

TEST(HerokuYmlCheckTest, SecretsAndPort) {
  const char* yml =
      "setup:\n  config:\n    SECRET_KEY: abcdef\n    FINE: value\nbuild:\n  docker:\n    web: "
      "Dockerfile\n"
      "run:\n  web: gunicorn app --bind 0.0.0.0:8000\n";
  auto findings = CheckHerokuYml(yml, nullptr, "heroku.yml");
  ASSERT_TRUE(findings.ok());
  EXPECT_EQ(Ids(*findings), (std::set<std::string>{"STW003", "STW006"}));
  EXPECT_EQ(Find(*findings, "STW006")->severity, Severity::kError);
  EXPECT_EQ(Find(*findings, "STW003")->message.find("abcdef"), std::string::npos);
  // No run.web: the image's command decides.
  const char* no_run = "build:\n  docker:\n    web: Dockerfile\n";
  auto with_image = CheckHerokuYml(no_run, GoodConfig(), "heroku.yml");
  ASSERT_TRUE(with_image.ok());
  EXPECT_TRUE(with_image->empty());
}

TEST(HerokuYmlCheckTest, MalformedYamlIsAFinding) {
  auto findings = CheckHerokuYml("run: [unclosed", nullptr, "heroku.yml");
  ASSERT_TRUE(findings.ok());
  EXPECT_EQ(Ids(*findings), (std::set<std::string>{"STW013"}));
}

TEST(ComposeCheckTest, FindsProblems) {
  const char* compose = R"(
version: "3.9"
services:
  web:
    image: app
    environment:
      ENVIRONMENT: production
      DEBUG: "true"
      SECRET_KEY: literally-the-key
      DB_PASSWORD: ${DB_PASSWORD:?set it}
      DATABASE_URL: postgres://u:${DB_PASSWORD}@db/x
    volumes:
      - .:/app
      - data:/data
)";
  auto findings = CheckComposeFile(compose, "compose.prod.yaml");
  ASSERT_TRUE(findings.ok()) << findings.status();
  EXPECT_EQ(Ids(*findings), (std::set<std::string>{"STW003", "STW004", "STW011", "STW012"}));
  int secrets = 0;
  for (const Finding& f : *findings) secrets += f.id == "STW003";
  EXPECT_EQ(secrets, 1);
}

TEST(ComposeCheckTest, ListEnvironmentAndDevelopmentFile) {
  const char* compose = R"(
services:
  web:
    environment:
      - DEBUG=1
      - API_TOKEN=abc123
    volumes:
      - ./src:/app/src
)";
  auto findings = CheckComposeFile(compose, "compose.yaml");
  ASSERT_TRUE(findings.ok());
  // Development: DEBUG and bind mounts are fine; the literal token is not.
  EXPECT_EQ(Ids(*findings), (std::set<std::string>{"STW003"}));
}

TEST(ComposeCheckTest, MalformedIsAnError) {
  EXPECT_FALSE(CheckComposeFile("services: [", "c.yaml").ok());
  EXPECT_FALSE(CheckComposeFile("- a list", "c.yaml").ok());
}

// Found by tests/fuzz/check_yaml_fuzzer: names and values from the file were quoted raw, so a
// key holding escape sequences drove the terminal and broke the one-line-per-finding output.
TEST(RobustnessTest, FindingsQuoteFileTextEscaped) {
  const std::string compose =
      "version: \"\x1b]0;owned\\a\"\n"
      "services:\n  db:\n    environment:\n      \"\x1b[2J_PASSWORD_\\n\": hunter2-literal\n";
  auto compose_findings = CheckComposeFile(compose, "compose.yaml");
  ASSERT_TRUE(compose_findings.ok());
  auto heroku_findings = CheckHerokuYml("\"\x1b[31mrun\\r\": 1\n", nullptr, "heroku.yml");
  ASSERT_TRUE(heroku_findings.ok());
  std::vector<Finding> all = *compose_findings;
  all.insert(all.end(), heroku_findings->begin(), heroku_findings->end());
  ASSERT_GE(all.size(), 3u);  // STW011 version, STW003 the literal password, STW013 the key
  for (const Finding& f : all) {
    for (unsigned char c : f.message) {
      EXPECT_FALSE(c < 0x20 || c == 0x7f) << f.id << ": " << f.message;
    }
  }
}

// Found by tests/fuzz/check_yaml_fuzzer: an unterminated quote made `version:` swallow the
// rest of the file, and STW011 quoted all of it, secrets included. No finding prints a
// secret-looking value, wherever the file put it.
TEST(RobustnessTest, FindingsNeverQuoteSecretLookingText) {
  const std::string token = "ghp_" + std::string("Zq9canary7TnSecretAbCdEfGh");
  const std::string compose =
      "version: '3.8\nservices:\n  web:\n    environment:\n"
      "      - API_TOKEN=" +
      token +
      "\n'\n"
      "services:\n  web:\n    image: " +
      token + "\n";
  auto compose_findings = CheckComposeFile(compose, "compose.yaml");
  ASSERT_TRUE(compose_findings.ok());
  auto manifest_findings = CheckImageManifest(
      nlohmann::json{{"mediaType", token}, {"annotations", {{token, "x"}}}}, {false, true});
  std::vector<Finding> all = *compose_findings;
  all.insert(all.end(), manifest_findings.begin(), manifest_findings.end());
  ASSERT_GE(all.size(), 2u);  // STW011 (version), STW009 (manifest media type)
  for (const Finding& f : all) {
    EXPECT_EQ(f.message.find("Zq9canary"), std::string::npos) << f.id << ": " << f.message;
  }
}

TEST(RobustnessTest, AnInterpolationsWordsAreLiteralText) {
  // Found by check_yaml_fuzzer: a quoted top-level key carried the generated header's
  // "${NAME:?...}" with a token in the message, and the "unknown top-level key" finding quoted it
  // because an interpolation was exempt as a whole.
  const std::string token = "ghp_" + std::string("Zq9canary7TnSecretAbCdEfGh");
  // And a bare reference whose name has a token in it (found the same way, an hour later).
  const std::string heroku = "build:\n  docker:\n    web: Dockerfile\n'a ${NAME:?..." + token +
                             "} b': 1\n'c $PGRT" + token + " d': 2\n";
  auto findings = CheckHerokuYml(heroku, nlohmann::json(), "heroku.yml");
  ASSERT_TRUE(findings.ok()) << findings.status();
  ASSERT_GE(findings->size(), 2u);
  for (const Finding& f : *findings) {
    EXPECT_EQ(f.message.find("Zq9canary"), std::string::npos) << f.id << ": " << f.message;
  }
}

TEST(ComposeCheckTest, InterpolationDefaultsAreLiteralSecrets) {
  const char* compose = R"(
services:
  web:
    environment:
      SECRET_KEY: ${SECRET_KEY:-django-insecure-0123456789abcdef}
      DATABASE_URL: postgres://u:${DB_PASSWORD:-hunter2}@db/x
      API_URL: ${API_URL:?set it, e.g. to the ghp_0123456789abcdefghijABCD one}
      DB_PASSWORD: ${DB_PASSWORD:-postgres}
      OTHER_PASSWORD: ${OTHER_PASSWORD:?OTHER_PASSWORD must be set}
      PG_URL: postgres://u:${PG_PASSWORD:?PG_PASSWORD must be set}@db/x
)";
  auto findings = CheckComposeFile(compose, "compose.yaml");
  ASSERT_TRUE(findings.ok()) << findings.status();
  std::set<std::string> flagged;
  for (const Finding& f : *findings) {
    if (f.id != "STW003") continue;
    for (const char* name :
         {"SECRET_KEY", "DATABASE_URL", "API_URL", "DB_PASSWORD", "OTHER_PASSWORD", "PG_URL"}) {
      if (absl::StrContains(f.message, absl::StrCat(".", name, "="))) flagged.insert(name);
    }
    EXPECT_FALSE(absl::StrContains(f.message, "hunter2")) << f.message;
  }
  // A low-entropy development default (postgres) and messages naming the variable are fine.
  EXPECT_EQ(flagged, (std::set<std::string>{"SECRET_KEY", "DATABASE_URL", "API_URL"}));
}

TEST(RobustnessTest, OddInputsGiveFindingsOrErrorsNeverCrashes) {
  for (const char* json : {"null", "[]", "1", "{}", R"({"config":1})", R"({"config":{"Env":1}})",
                           R"({"config":{"Env":[1,"A",null],"User":5,"Labels":{"a":1},"Cmd":"x"}})",
                           R"({"config":{"ExposedPorts":[],"Healthcheck":null,"Volumes":1}})"}) {
    nlohmann::json config = nlohmann::json::parse(json);
    CheckImageConfig(config, {true, true});
    CheckImageManifest(config, {true, true});
  }
  CheckImageManifest(nlohmann::json::parse(R"({"mediaType":5,"annotations":[]})"), {true, true});
  for (const char* yml :
       {"", "~", "1", "[a, b]", "setup: 1", "setup: {addons: 1, config: []}",
        "setup: {addons: [1, {plan: [x]}]}", "build: {docker: [web]}",
        "build: {docker: {web: {x: 1}}}", "release: [x]", "release: {command: {}}",
        "run: {web: [x]}", "run: {web: {command: x, image: [y]}}", "? [a]\n: b", "run: {web: null}",
        "&a [*a]"}) {
    auto heroku = CheckHerokuYml(yml, nullptr, "h.yml");
    auto compose = CheckComposeFile(yml, "c.yaml");
    (void)heroku;
    (void)compose;
  }
  for (const char* yml :
       {"services: 1", "services: {web: 1}", "services: {web: {environment: 1}}",
        "services: {web: {environment: [1, {a: b}]}}",
        "services: {web: {volumes: 1, environment: {ENVIRONMENT: production}}}",
        "services: {web: {volumes: [{type: [bind]}], environment: [ENVIRONMENT=prod]}}"}) {
    EXPECT_TRUE(CheckComposeFile(yml, "c.yaml").ok()) << yml;
  }
}

TEST(ImageConfigTest, WrongTypesAreFindingsNamingTheField) {
  // Wrong types used to be skipped silently; now each is an STW014 finding and the other
  // checks still run with the field read as absent.
  auto findings = CheckImageConfig(
      nlohmann::json::parse(R"({"config":{"Env":"A=1","User":"root","Labels":{"a":1}}})"), {});
  std::vector<std::string> messages;
  for (const Finding& f : findings) {
    if (f.id == "STW014") messages.push_back(f.message);
  }
  EXPECT_EQ(messages,
            (std::vector<std::string>{
                "config.Env: expected an array, got a string (in the image config)",
                "config.Labels.a: expected a string, got an integer (in the image config)"}));
  EXPECT_NE(Find(findings, "STW005"), nullptr);  // still reports the root user
  auto manifest = CheckImageManifest(nlohmann::json::parse(R"({"annotations":[]})"), {});
  ASSERT_EQ(manifest.size(), 1u);
  EXPECT_EQ(manifest[0].id, "STW014");
}

}  // namespace
}  // namespace stowage
