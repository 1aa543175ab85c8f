#include "builder/registry/credentials.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdlib>

#include "builder/common/files.h"
#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

DockerConfig MustParse(const std::string& text) {
  auto c = DockerConfig::Parse(text, "config.json");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : DockerConfig{};
}

HelperRunner NeverCalled() {
  return [](const std::string&, const std::string&, bool*) -> absl::StatusOr<std::string> {
    ADD_FAILURE() << "no helper should run";
    return std::string();
  };
}

TEST(CredentialsTest, AuthFieldDecodesAtFirstColon) {
  // base64("user:pa:ss")
  auto config = MustParse(R"({"auths":{"https://127.0.0.1:5000":{"auth":"dXNlcjpwYTpzcw=="}}})");
  auto c = ResolveCredentials(config, "127.0.0.1:5000", NeverCalled());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->username, "user");
  EXPECT_EQ(c->password, "pa:ss");
}

TEST(CredentialsTest, IdentityTokenAndUnknownHost) {
  auto config = MustParse(R"({"auths":{"reg.example":{"identitytoken":"tok"}}})");
  auto c = ResolveCredentials(config, "reg.example", NeverCalled());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->identity_token, "tok");
  c = ResolveCredentials(config, "other.example", NeverCalled());
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->anonymous());
}

TEST(CredentialsTest, BadAuthIsAnError) {
  auto config = MustParse(R"({"auths":{"h":{"auth":"bm9jb2xvbg=="}}})");  // "nocolon"
  EXPECT_FALSE(ResolveCredentials(config, "h", NeverCalled()).ok());
  config = MustParse(R"({"auths":{"h":{"auth":"***"}}})");
  EXPECT_FALSE(ResolveCredentials(config, "h", NeverCalled()).ok());
  EXPECT_FALSE(DockerConfig::Parse("{", "x").ok());
  EXPECT_FALSE(DockerConfig::Parse(R"({"credHelpers":{"h":1}})", "x").ok());
}

TEST(CredentialsTest, DockerAuthConfigWinsOverTheConfigFile) {
  std::string dir = ::testing::TempDir() + "/docker_auth_config";
  mkdir(dir.c_str(), 0700);
  ASSERT_TRUE(
      WriteFileAtomically(dir + "/config.json", R"({"auths":{"file.example":{"auth":"dTpw"}}})")
          .ok());
  setenv("DOCKER_CONFIG", dir.c_str(), 1);
  setenv("DOCKER_AUTH_CONFIG", R"({"auths":{"env.example":{"auth":"ZW52OnNlY3JldA=="}}})", 1);
  auto config = DockerConfig::Load();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->path, "$DOCKER_AUTH_CONFIG");
  auto c = ResolveCredentials(*config, "env.example", NeverCalled());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->username, "env");
  EXPECT_EQ(c->password, "secret");
  EXPECT_TRUE(ResolveCredentials(*config, "file.example", NeverCalled())->anonymous());
  // Malformed: the error names the variable and the offset, never the text (it holds secrets).
  setenv("DOCKER_AUTH_CONFIG", R"({"auths":{"h":{"password":"hunter2-secret" oops}}})", 1);
  config = DockerConfig::Load();
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("$DOCKER_AUTH_CONFIG"), std::string::npos);
  EXPECT_EQ(config.status().message().find("hunter2"), std::string::npos) << config.status();
  EXPECT_EQ(config.status().message().find("oops"), std::string::npos) << config.status();
  unsetenv("DOCKER_AUTH_CONFIG");
  config = DockerConfig::Load();  // back to the file
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(ResolveCredentials(*config, "file.example", NeverCalled())->username, "u");
  unsetenv("DOCKER_CONFIG");
}

TEST(CredentialsTest, CredHelpersBeforeCredsStore) {
  auto config = MustParse(
      R"({"credsStore":"store","credHelpers":{"reg.example":"special"},"auths":{"reg.example":{}}})");
  std::string used, server;
  HelperRunner runner = [&](const std::string& helper, const std::string& s,
                            bool* not_found) -> absl::StatusOr<std::string> {
    used = helper;
    server = s;
    *not_found = false;
    return std::string(R"({"ServerURL":"reg.example","Username":"u","Secret":"p"})");
  };
  auto c = ResolveCredentials(config, "reg.example", runner);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(used, "special");
  EXPECT_EQ(server, "reg.example");
  EXPECT_EQ(c->username, "u");
  EXPECT_EQ(c->password, "p");
  c = ResolveCredentials(config, "other.example", runner);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(used, "store");
}

TEST(CredentialsTest, HelperNotFoundMeansAnonymousAndTokenUser) {
  auto config = MustParse(R"({"credsStore":"store"})");
  HelperRunner not_found = [](const std::string&, const std::string&,
                              bool* nf) -> absl::StatusOr<std::string> {
    *nf = true;
    return std::string();
  };
  auto c = ResolveCredentials(config, "h", not_found);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->anonymous());
  auto t = ParseHelperOutput(R"({"Username":"<token>","Secret":"refresh"})", "x");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->identity_token, "refresh");
  EXPECT_TRUE(t->username.empty());
  EXPECT_FALSE(ParseHelperOutput("not json", "x").ok());
}

// Runs a real helper script through PATH, as docker does.
TEST(CredentialsTest, RunsHelperProgram) {
  std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/bin";
  mkdir(dir.c_str(), 0755);
  std::string script = dir + "/docker-credential-unittest";
  ASSERT_TRUE(WriteFileAtomically(script, R"(#!/bin/sh
[ "$1" = get ] || exit 3
read -r server || true
case "$server" in
  known.example) printf '{"ServerURL":"%s","Username":"alice","Secret":"s3cret"}' "$server" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
)")
                  .ok());
  chmod(script.c_str(), 0755);
  std::string path = dir + ":" + std::getenv("PATH");
  setenv("PATH", path.c_str(), 1);
  bool not_found = true;
  auto out = RunCredentialHelper("unittest", "known.example", &not_found);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(not_found);
  auto c = ParseHelperOutput(*out, "unittest");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->password, "s3cret");
  out = RunCredentialHelper("unittest", "unknown.example", &not_found);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(not_found);
  out = RunCredentialHelper("missing-helper-xyz", "h", &not_found);
  EXPECT_FALSE(out.ok());
}

// Hostile config.json files and helper answers (testdata/hostile_docker_config, also fuzz seeds):
// errors, never exceptions, and never the file's text in the message.
TEST(CredentialsTest, HostileConfigFilesAreErrors) {
  const std::string dir = "tests/registry/testdata/hostile_docker_config";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  int files = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.substr(name.size() - 5) != ".json") continue;
    ++files;
    auto text = ReadFile(dir + "/" + name);
    ASSERT_TRUE(text.ok());
    if (name.rfind("helper_output_", 0) == 0) {
      EXPECT_FALSE(ParseHelperOutput(*text, "x").ok()) << name;
      continue;
    }
    auto config = DockerConfig::Parse(*text, name);
    if (config.ok()) {
      EXPECT_FALSE(ResolveCredentials(*config, "h", NeverCalled()).ok()) << name << " was accepted";
    } else {
      EXPECT_EQ(config.status().message().find("dXNlcjpw"), std::string::npos) << config.status();
    }
  }
  closedir(d);
  EXPECT_GE(files, 10);
}

}  // namespace
}  // namespace registry
}  // namespace stowage
