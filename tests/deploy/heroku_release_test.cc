#include "builder/deploy/heroku_release.h"

#include "builder/digest/sha256.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/deploy/fake_http.h"

namespace stowage {
namespace {

const char kKey[] = "hk-0123-very-secret-key";

// A Platform API that knows one app: v7 exists; the PATCH makes v8 pending, which turns to
// `outcome` after `polls_until_done` polls.
struct FakeApi {
  std::string outcome = "succeeded";
  int polls_until_done = 2;
  int polls_since_patch = -1;
  bool patched = false;

  absl::StatusOr<HttpResponse> Handle(const HttpRequest& request) {
    HttpResponse response;
    if (request.method == "PATCH") {
      patched = true;
      polls_since_patch = 0;
      response.status = 200;
      response.body = "[]";
      return response;
    }
    nlohmann::json releases = nlohmann::json::array({{{"version", 7}, {"status", "succeeded"}}});
    if (patched) {
      std::string status = ++polls_since_patch >= polls_until_done ? outcome : "pending";
      releases.insert(releases.begin(),
                      nlohmann::json::object({{"version", 8}, {"status", status}}));
    }
    response.status = 206;
    response.body = releases.dump();
    return response;
  }
};

HerokuReleaseOptions Options() {
  HerokuReleaseOptions options;
  options.api_url = "http://127.0.0.1:1234/";
  options.app = "stowage-bookstore";
  options.image_id = "sha256:" + std::string(64, 'c');
  options.api_key = kKey;
  options.max_polls = 5;
  options.sleep = [](int) {};
  return options;
}

TEST(HerokuReleaseTest, PatchesFormationThenPollsUntilSucceeded) {
  FakeApi api;
  FakeHttpClient http([&](const HttpRequest& r) { return api.Handle(r); });
  std::vector<std::string> log;
  HerokuReleaseOptions options = Options();
  options.log = [&](const std::string& line) { log.push_back(line); };
  auto release = ReleaseOnHeroku(http, options);
  ASSERT_TRUE(release.ok()) << release.status();
  EXPECT_EQ(release->version, 8);
  EXPECT_EQ(release->status, "succeeded");

  ASSERT_EQ(http.requests.size(), 4u);  // baseline GET, PATCH, 2 polls
  const HttpRequest& patch = http.requests[1];
  EXPECT_EQ(patch.method, "PATCH");
  EXPECT_EQ(patch.url, "http://127.0.0.1:1234/apps/stowage-bookstore/formation");
  EXPECT_EQ(RequestHeader(patch, "Accept"),
            "application/vnd.heroku+json; version=3.docker-releases");
  EXPECT_EQ(RequestHeader(patch, "Authorization"), std::string("Bearer ") + kKey);
  // The key is bound to the API's origin: the transport sends it nowhere else.
  ASSERT_TRUE(patch.credential.has_value());
  EXPECT_EQ(patch.credential->origin.ToString(), "http://127.0.0.1:1234");
  EXPECT_EQ(RequestHeader(patch, "Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(patch.body),
            nlohmann::json::parse(R"({"updates":[{"type":"web","docker_image":"sha256:)" +
                                  std::string(64, 'c') + R"("}]})"));
  for (size_t i : {0u, 2u, 3u}) {
    EXPECT_EQ(http.requests[i].method, "GET");
    EXPECT_EQ(http.requests[i].url, "http://127.0.0.1:1234/apps/stowage-bookstore/releases");
    EXPECT_EQ(RequestHeader(http.requests[i], "Authorization"), std::string("Bearer ") + kKey);
  }
  for (const std::string& line : log) EXPECT_EQ(line.find(kKey), std::string::npos);
}

TEST(HerokuReleaseTest, FailedReleaseIsAnError) {
  FakeApi api;
  api.outcome = "failed";
  FakeHttpClient http([&](const HttpRequest& r) { return api.Handle(r); });
  auto release = ReleaseOnHeroku(http, Options());
  ASSERT_FALSE(release.ok());
  EXPECT_NE(std::string(release.status().message()).find("release command failed"),
            std::string::npos);
}

TEST(HerokuReleaseTest, PollingIsBounded) {
  FakeApi api;
  api.outcome = "pending";
  FakeHttpClient http([&](const HttpRequest& r) { return api.Handle(r); });
  auto release = ReleaseOnHeroku(http, Options());
  ASSERT_FALSE(release.ok());
  EXPECT_EQ(release.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(http.requests.size(), 2u + 5u);
}

TEST(HerokuReleaseTest, ApiErrorsNeverShowTheKey) {
  FakeHttpClient http([](const HttpRequest& r) -> absl::StatusOr<HttpResponse> {
    HttpResponse response;
    response.status = 401;
    response.body =
        nlohmann::json({{"id", "unauthorized"},
                        {"message", "bad credentials: " + RequestHeader(r, "Authorization")}})
            .dump();
    return response;
  });
  auto release = ReleaseOnHeroku(http, Options());
  ASSERT_FALSE(release.ok());
  std::string message(release.status().message());
  EXPECT_NE(message.find("401"), std::string::npos) << message;
  EXPECT_NE(message.find("unauthorized"), std::string::npos) << message;
  EXPECT_EQ(message.find(kKey), std::string::npos) << message;
  EXPECT_NE(message.find("redacted"), std::string::npos) << message;
}

TEST(HerokuReleaseTest, ServerTextIsEscaped) {
  FakeHttpClient http([](const HttpRequest& r) -> absl::StatusOr<HttpResponse> {
    HttpResponse response;
    if (r.method == "GET") {
      response.status = 206;
      response.body = nlohmann::json::array({{{"version", 1}, {"status", "succeeded"}}}).dump();
      return response;
    }
    response.status = 422;
    response.body =
        nlohmann::json({{"id", "\x1b[2Jinvalid"}, {"message", "\x1b]0;pwned\x07 \u202e bad"}})
            .dump();
    return response;
  });
  auto release = ReleaseOnHeroku(http, Options());
  ASSERT_FALSE(release.ok());
  std::string message(release.status().message());
  EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
  EXPECT_EQ(message.find('\x07'), std::string::npos) << message;
  EXPECT_EQ(message.find("\u202e"), std::string::npos) << message;
  EXPECT_NE(message.find("\\x1b[2Jinvalid"), std::string::npos) << message;
}

TEST(HerokuReleaseTest, WrongJsonTypesAreErrorsNotCrashes) {
  for (const char* body : {R"({"version":1})", R"([{"version":"1"}])", R"([1,2])", "[[]]",
                           R"([{"version":1,"status":5,"description":[]}])", "not json"}) {
    auto r = NewestRelease(body);
    if (r.ok()) {
      ASSERT_TRUE(r->has_value()) << body;
      EXPECT_EQ((*r)->status, "") << body;
    }
  }
}

TEST(HerokuReleaseTest, ApiUrlIsParsedNotCut) {
  EXPECT_TRUE(ValidateApiUrl("https://api.heroku.com").ok());
  EXPECT_TRUE(ValidateApiUrl("http://127.0.0.1:5000/").ok());
  EXPECT_TRUE(ValidateApiUrl("http://[::1]:5000").ok());
  // "127.0.0.1@" is user info: the host is other.example.
  EXPECT_FALSE(ValidateApiUrl("http://127.0.0.1@other.example/").ok());
  EXPECT_FALSE(ValidateApiUrl("http://localhost.other.example/").ok());
  EXPECT_FALSE(ValidateApiUrl("file:///etc/passwd").ok());
  EXPECT_FALSE(ValidateAppName(std::string(100000, 'a')).ok());
  EXPECT_FALSE(ValidateProcessType(std::string(100000, 'a')).ok());
}

TEST(HerokuReleaseTest, RefusesBadInputBeforeAnyRequest) {
  FakeHttpClient http(
      [](const HttpRequest&) -> absl::StatusOr<HttpResponse> { return HttpResponse{}; });
  HerokuReleaseOptions options = Options();
  options.api_key = "";
  EXPECT_FALSE(ReleaseOnHeroku(http, options).ok());
  options = Options();
  options.api_url = "http://api.example.invalid";  // clear text to another machine
  EXPECT_FALSE(ReleaseOnHeroku(http, options).ok());
  options = Options();
  options.app = "Bad_App";
  EXPECT_FALSE(ReleaseOnHeroku(http, options).ok());
  options = Options();
  options.image_id = "latest";
  EXPECT_FALSE(ReleaseOnHeroku(http, options).ok());
  EXPECT_TRUE(http.requests.empty());
}

TEST(HerokuImageIdTest, WantsDockerV2AndAMatchingConfig) {
  std::string config = R"({"architecture":"amd64","os":"linux"})";
  std::string digest = Sha256Digest(config);
  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", kDockerManifestV2},
                             {"config", {{"digest", digest}, {"size", config.size()}}}};
  auto id = HerokuImageId(manifest.dump(), config);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, digest);
  EXPECT_FALSE(HerokuImageId(manifest.dump(), config + " ").ok());
  manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
  auto oci = HerokuImageId(manifest.dump(), config);
  ASSERT_FALSE(oci.ok());
  EXPECT_NE(std::string(oci.status().message()).find("format = \"docker\""), std::string::npos);
}

TEST(NewestReleaseTest, PicksTheHighestVersion) {
  auto newest = NewestRelease(
      R"([{"version":3,"status":"succeeded"},{"version":9,"status":"pending"},{"version":5}])");
  ASSERT_TRUE(newest.ok());
  ASSERT_TRUE(newest->has_value());
  EXPECT_EQ((*newest)->version, 9);
  EXPECT_EQ((*newest)->status, "pending");
  auto none = NewestRelease("[]");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(NewestRelease("{}").ok());
  EXPECT_FALSE(NewestRelease(R"([{"version":"9"}])").ok());
}

}  // namespace
}  // namespace stowage
