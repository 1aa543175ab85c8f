#include "builder/deploy/findings.h"

#include <set>

#include "gtest/gtest.h"

namespace stowage {
namespace {

TEST(FindingsTest, LineFormat) {
  Finding f = MakeFinding("STW001", "image Env SECRET_KEY=<redacted>");
  EXPECT_EQ(FormatFinding(f), "ERROR STW001 image Env SECRET_KEY=<redacted> \xE2\x80\x94 fix: " +
                                  std::string(RuleById("STW001").fix));
  Finding w = MakeFinding("STW006", Severity::kWarning, "x");
  EXPECT_EQ(FormatFinding(w).rfind("WARNING STW006 x", 0), 0u);
}

// A secret-looking name in front of our own "<redacted>" marker is not let through because the
// word carries the marker (found by check_image_fuzzer: an Env variable named like a token).
TEST(FindingsTest, SecretLookingNameBeforeRedactedValueIsRedacted) {
  const std::string token = "ghp_" + std::string("A1b2C3d4E5f6G7h8I9j0K1l2");
  Finding f = MakeFinding("STW001", "image Env SE" + token + "=<redacted>: looks like a token");
  EXPECT_EQ(f.message.find(token), std::string::npos) << f.message;
  Finding glued = MakeFinding("STW006", "heroku.yml: \\\\run" + token + " unknown top-level key");
  EXPECT_EQ(glued.message.find(token), std::string::npos) << glued.message;
  Finding plain = MakeFinding("STW001", "image Env SECRET_KEY=<redacted>: weak");
  EXPECT_EQ(plain.message, "image Env SECRET_KEY=<redacted>: weak");
}

// The second line of defence keeps a field path that only the whole-word entropy rule flags
// (each piece a plain name), and redacts a word whole when any piece looks secret or has the
// symbols of a password.
TEST(FindingsTest, KeepsFieldPathsRedactsSecretWordsWhole) {
  const std::string token = "ghp_" + std::string("A1b2C3d4E5f6G7h8I9j0K1l2");
  Finding path = MakeFinding("STW003", "c.yaml: services.web.environment.SECRET_KEY=<redacted>: x");
  EXPECT_EQ(path.message, "c.yaml: services.web.environment.SECRET_KEY=<redacted>: x");
  Finding piece = MakeFinding("STW003", "c.yaml: services." + token + ".environment.A=<redacted>");
  EXPECT_EQ(piece.message, "c.yaml: <redacted>");
  Finding url = MakeFinding("STW006", "heroku.yml: x.postgres://u:k9#Vq2!xL7@pR4$wZ8^mT1&nB6@db/x");
  EXPECT_EQ(url.message, "heroku.yml: <redacted>");
  Finding key = MakeFinding("STW006", "heroku.yml: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY: x");
  EXPECT_EQ(key.message, "heroku.yml: <redacted> x");
  // A password split by '.' into pieces too short for the entropy rule is still one secret.
  Finding dotted = MakeFinding("STW006", "heroku.yml: k9#Vq2!xL7.pR4$wZ8^mT1&n x");
  EXPECT_EQ(dotted.message, "heroku.yml: <redacted> x");
}

TEST(FindingsTest, JsonFormat) {
  auto json = FindingsToJson({MakeFinding("STW104", "no preload")});
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["id"], "STW104");
  EXPECT_EQ(json[0]["severity"], "warning");
  EXPECT_EQ(json[0]["message"], "no preload");
  EXPECT_FALSE(json[0]["fix"].get<std::string>().empty());
}

TEST(FindingsTest, CatalogIsConsistent) {
  std::set<std::string> ids;
  for (const CheckRule& rule : CheckRules()) {
    EXPECT_TRUE(ids.insert(rule.id).second) << "duplicate " << rule.id;
    EXPECT_EQ(std::string(rule.id).size(), 6u);
    EXPECT_NE(std::string(rule.fix), "");
    EXPECT_EQ(std::string(rule.fix).find('\n'), std::string::npos);  // one-line fixes
  }
  EXPECT_TRUE(ParseSeverity("Warning").ok());
  EXPECT_FALSE(ParseSeverity("fatal").ok());
}

}  // namespace
}  // namespace stowage
