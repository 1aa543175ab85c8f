#include "builder/registry/blob_upload.h"
#include "builder/registry/http.h"
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

TEST(RedactTest, AuthorizationValuesNeverShow) {
  EXPECT_EQ(RedactHeader("Authorization: Bearer abc.def.ghi"), "Authorization: Bearer <redacted>");
  EXPECT_EQ(RedactHeader("authorization: Basic dXNlcjpwYXNz"), "authorization: Basic <redacted>");
  EXPECT_EQ(RedactHeader("Set-Cookie: session=1"), "Set-Cookie: <redacted>");
  EXPECT_EQ(RedactHeader("Content-Type: application/json"), "Content-Type: application/json");
}

}  // namespace
}  // namespace registry
}  // namespace stowage
