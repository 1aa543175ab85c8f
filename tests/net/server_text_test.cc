#include "builder/net/server_text.h"

#include "gtest/gtest.h"

namespace stowage {
namespace net {
namespace {

TEST(ServerTextTest, EscapesWhatATerminalWouldActOn) {
  EXPECT_EQ(ServerText("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(ServerText("a\nb\rc\td\x07"), "a\\nb\\rc\\td\\x07");
  EXPECT_EQ(ServerText("\x7f"), "\\x7f");
  // C1 controls (8-bit CSI), bidi overrides and invalid UTF-8 bytes.
  EXPECT_EQ(ServerText("\xc2\x9b"
                       "2J"),
            "\\u009b2J");
  EXPECT_EQ(ServerText("abc\xe2\x80\xae"
                       "txt"),
            "abc\\u202etxt");
  EXPECT_EQ(ServerText("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(ServerText("\xc3"), "\\xc3");  // truncated sequence
  // Ordinary UTF-8 stays.
  EXPECT_EQ(ServerText("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
}

TEST(ServerTextTest, CapsLengthAtACharacterBoundary) {
  std::string long_text(10000, 'a');
  std::string out = ServerText(long_text, 50);
  EXPECT_LE(out.size(), 53u);
  EXPECT_EQ(out.substr(out.size() - 3), "...");
  // A multi-byte character is never cut in half.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";
  out = ServerText(accents, 51);
  EXPECT_EQ(out.size(), 50u + 3u);
}

TEST(ServerTextTest, RedactsCredentialShapedText) {
  EXPECT_EQ(RedactCredentials("Authorization: Basic dXNlcjpwYXNz"),
            "Authorization: Basic <redacted>");
  EXPECT_EQ(RedactCredentials("\"authorization\":\"Bearer abc.def-ghi\""),
            "\"authorization\":\"Bearer <redacted>\"");
  EXPECT_EQ(RedactCredentials("BASIC   YWJjOmQ= and more"), "BASIC   <redacted> and more");
  EXPECT_EQ(RedactCredentials(R"({"token":"s3cr3t","expires_in":300})"),
            R"({"token":"<redacted>","expires_in":300})");
  EXPECT_EQ(RedactCredentials("access_token=abc&scope=x"), "access_token=<redacted>&scope=x");
  EXPECT_EQ(RedactCredentials("password: hunter2"), "password: <redacted>");
  EXPECT_EQ(RedactCredentials("x eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl y"),
            "x <redacted> y");
  // Challenges and ordinary words stay readable.
  EXPECT_EQ(RedactCredentials(R"(Bearer realm="https://a/token",service="reg")"),
            R"(Bearer realm="https://a/token",service="reg")");
  EXPECT_EQ(RedactCredentials("tokens are issued; the password is wrong"),
            "tokens are issued; the password is wrong");
  EXPECT_EQ(RedactCredentials("eyJ alone"), "eyJ alone");
}

TEST(ServerTextTest, RegisteredSecretsNeverShow) {
  RegisterSecret("pw-8d2f-registered");
  RegisterSecret("abc");  // too short to register: it would mask ordinary words
  EXPECT_EQ(ServerText("echo pw-8d2f-registered!"), "echo <redacted>!");
  EXPECT_EQ(SafeForTerminal("x pw-8d2f-registered y"), "x <redacted> y");
  EXPECT_EQ(ServerText("abc"), "abc");
}

TEST(ServerTextTest, SafeForTerminalKeepsOneLineAndOurWords) {
  EXPECT_EQ(SafeForTerminal("a\nb\x1b[2J"), "a b\\x1b[2J");
  // No pattern redaction of our own words.
  EXPECT_EQ(SafeForTerminal("without a Basic or Bearer challenge"),
            "without a Basic or Bearer challenge");
}

TEST(ServerTextTest, HeaderLinesForLogs) {
  EXPECT_EQ(RedactHeaderLine("Authorization: Bearer abc.def.ghi"),
            "Authorization: Bearer <redacted>");
  EXPECT_EQ(RedactHeaderLine("authorization: Basic dXNlcjpwYXNz"),
            "authorization: Basic <redacted>");
  EXPECT_EQ(RedactHeaderLine("Set-Cookie: session=1"), "Set-Cookie: <redacted>");
  EXPECT_EQ(RedactHeaderLine("Cookie: a=b"), "Cookie: <redacted>");
  EXPECT_EQ(RedactHeaderLine("Content-Type: application/json"), "Content-Type: application/json");
  EXPECT_EQ(RedactHeaderLine("Server: \x1b]0;x\x07"), "Server: \\x1b]0;x\\x07");
}

TEST(ServerTextTest, LinearOnHostileInput) {
  // Long runs that start many candidate matches finish (no backtracking).
  std::string s;
  for (int i = 0; i < 200000; ++i) s += "Basic ";
  EXPECT_FALSE(RedactCredentials(s).empty());
  EXPECT_FALSE(ServerText(std::string(1 << 20, '\x1b')).empty());
  std::string dots = "eyJ" + std::string(1 << 20, '.');
  EXPECT_EQ(RedactCredentials(dots), "<redacted>");
}

}  // namespace
}  // namespace net
}  // namespace stowage
