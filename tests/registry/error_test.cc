#include "builder/registry/blob_upload.h"
#include "builder/registry/registry_error.h"
#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

TEST(RegistryErrorTest, SpecErrorJsonBecomesReadable) {
  absl::Status s = RegistryError(
      400,
      R"({"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"sha256:ab"},{"code":"NAME_INVALID","message":"bad name","detail":{}}]})",
      "PUT manifest h/app:v1");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_EQ(s.message(),
            "PUT manifest h/app:v1: HTTP 400: MANIFEST_BLOB_UNKNOWN: blob unknown to registry "
            "(sha256:ab); NAME_INVALID: bad name");
}

TEST(RegistryErrorTest, CodesMapToStatuses) {
  EXPECT_TRUE(absl::IsPermissionDenied(RegistryError(401, "", "x")));
  EXPECT_TRUE(absl::IsPermissionDenied(RegistryError(403, "", "x")));
  EXPECT_TRUE(absl::IsNotFound(RegistryError(404, "", "x")));
  EXPECT_TRUE(absl::IsUnavailable(RegistryError(503, "", "x")));
  EXPECT_TRUE(absl::IsUnavailable(RegistryError(429, "", "x")));
}

TEST(RegistryErrorTest, NonJsonBodyIsQuotedBriefly) {
  absl::Status s = RegistryError(502, "<html>Bad Gateway</html>\nmore lines", "GET /v2/");
  EXPECT_EQ(s.message(), "GET /v2/: HTTP 502: \"<html>Bad Gateway</html>\"");
  EXPECT_EQ(DescribeErrorBody("{\"x\":1}"), "");
  s = RegistryError(500, "", "GET /v2/");
  EXPECT_EQ(s.message(), "GET /v2/: HTTP 500: no details");
}

TEST(RangeTest, NextOffset) {
  EXPECT_EQ(NextOffsetFromRange("0-1023"), 1024);
  EXPECT_EQ(NextOffsetFromRange("bytes=0-9"), 10);
  EXPECT_EQ(NextOffsetFromRange("0--1"), 0);  // distribution's empty upload
  EXPECT_FALSE(NextOffsetFromRange("").has_value());
  EXPECT_FALSE(NextOffsetFromRange("5-9").has_value());
  EXPECT_FALSE(NextOffsetFromRange("abc").has_value());
}

TEST(RegistryErrorTest, WrongJsonTypesNeverThrow) {
  // "code": 1 made nlohmann::json's value() throw (SIGABRT) before.
  for (const char* body :
       {R"({"errors":[{"code":1}]})", R"({"errors":[{"code":null,"message":2,"detail":[1]}]})",
        R"({"errors":{"code":"X"}})", R"({"errors":[1,"x",null,[]]})", R"({"errors":"x"})",
        R"([{"code":"X"}])", R"({"errors":[{"code":{"a":1},"message":{"b":"\u001b[2J"}}]})"}) {
    absl::Status s = RegistryError(400, body, "PUT x");
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << body;
    EXPECT_EQ(std::string(s.message()).find('\x1b'), std::string::npos) << s;
  }
  EXPECT_EQ(DescribeErrorBody(R"({"errors":[{"code":1,"message":"m"}]})"), "1: m");
}

TEST(RegistryErrorTest, DeeplyNestedDetailIsNotDumpedRecursively) {
  std::string deep = R"({"errors":[{"code":"X","message":"m","detail":)" + std::string(60000, '[') +
                     std::string(60000, ']') + "}]}";
  absl::Status s = RegistryError(400, deep, "PUT x");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_LT(s.message().size(), 400u);
}

TEST(RegistryErrorTest, ServerTextIsEscapedCappedAndRedacted) {
  absl::Status s = RegistryError(
      500, "\x1b[31mboom\x1b[0m Authorization: Basic dXNlcjpwYXNz " + std::string(5000, 'x'),
      "GET /v2/");
  std::string m(s.message());
  EXPECT_EQ(m.find('\x1b'), std::string::npos) << m;
  EXPECT_EQ(m.find("dXNlcjpwYXNz"), std::string::npos) << m;
  EXPECT_LT(m.size(), 400u);
  s = RegistryError(
      400,
      R"({"errors":[{"code":"DENIED","message":"echo: Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2ln"}]})",
      "PUT x");
  EXPECT_EQ(std::string(s.message()).find("eyJhbGciOi"), std::string::npos) << s;
  // Many errors: the first few are listed.
  std::string many = R"({"errors":[)";
  for (int i = 0; i < 1000; ++i)
    many += std::string(i ? "," : "") + R"({"code":"C","message":"m"})";
  many += "]}";
  EXPECT_LT(RegistryError(400, many, "x").message().size(), 200u);
}

}  // namespace
}  // namespace registry
}  // namespace stowage
