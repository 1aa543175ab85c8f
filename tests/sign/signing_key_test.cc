#include "builder/sign/signing_key.h"

#include <cstdlib>

#include "absl/strings/str_split.h"
#include "builder/sign/ecdsa.h"
#include "gtest/gtest.h"
#include "tests/sign/test_keys.h"

namespace stowage {
namespace sign {
namespace {

using testing::EncryptedPem;
using testing::MakeKey;
using testing::TestKey;

// No line of a key's base64 body may show up in `text`.
void ExpectNoKeyMaterial(const std::string& text, const std::string& pem) {
  for (absl::string_view line : absl::StrSplit(pem, '\n')) {
    if (line.empty() || line[0] == '-') continue;
    EXPECT_EQ(text.find(std::string(line.substr(0, 16))), std::string::npos) << text;
  }
}

TEST(SigningKey, ReadsPkcs8AndSec1AndSigns) {
  TestKey k = MakeKey();
  for (const std::string& pem : {k.private_pem, k.sec1_pem}) {
    absl::StatusOr<SigningKey> key = ParseSigningKey(pem, "", false, "test key");
    ASSERT_TRUE(key.ok()) << key.status();
    absl::StatusOr<std::string> pub = key->PublicKeyPem();
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(*pub, k.public_pem);
    absl::StatusOr<PublicKey> public_key = ParsePublicKey(k.public_pem, "pub");
    ASSERT_TRUE(public_key.ok());
    absl::StatusOr<std::string> sig = SignBytes(*key, "payload");
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(VerifyBytes(*public_key, "payload", *sig).ok());
    EXPECT_TRUE(absl::IsPermissionDenied(VerifyBytes(*public_key, "payloaD", *sig)));
    std::string flipped = *sig;
    flipped[flipped.size() - 1] ^= 1;
    EXPECT_TRUE(absl::IsPermissionDenied(VerifyBytes(*public_key, "payload", flipped)));
    EXPECT_TRUE(absl::IsPermissionDenied(VerifyBytes(*public_key, "payload", "")));
    EXPECT_TRUE(
        absl::IsPermissionDenied(VerifyBytes(*public_key, "payload", std::string(300, 'x'))));
  }
}

TEST(SigningKey, AnotherKeysSignatureDoesNotVerify) {
  TestKey a = MakeKey(), b = MakeKey();
  absl::StatusOr<SigningKey> key = ParseSigningKey(a.private_pem, "", false, "a");
  absl::StatusOr<PublicKey> other = ParsePublicKey(b.public_pem, "b");
  ASSERT_TRUE(key.ok() && other.ok());
  absl::StatusOr<std::string> sig = SignBytes(*key, "x");
  ASSERT_TRUE(sig.ok());
  EXPECT_FALSE(VerifyBytes(*other, "x", *sig).ok());
}

TEST(SigningKey, EncryptedKeyNeedsTheRightPassphraseAndErrorsShowNoSecret) {
  TestKey k = MakeKey();
  const std::string pass = "s3cret-passphrase-xyz";
  std::string enc = EncryptedPem(k, pass);
  ASSERT_NE(enc.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  absl::StatusOr<SigningKey> ok = ParseSigningKey(enc, pass, true, "enc key");
  EXPECT_TRUE(ok.ok()) << ok.status();

  absl::StatusOr<SigningKey> none = ParseSigningKey(enc, "", false, "enc key");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no passphrase"), absl::string_view::npos);
  absl::StatusOr<SigningKey> wrong = ParseSigningKey(enc, "wrong-passphrase", true, "enc key");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("wrong passphrase"), absl::string_view::npos);
  for (const absl::Status& s : {none.status(), wrong.status()}) {
    std::string text(s.message());
    EXPECT_EQ(text.find(pass), std::string::npos);
    EXPECT_EQ(text.find("wrong-passphrase"), std::string::npos);
    ExpectNoKeyMaterial(text, enc);
  }
}

TEST(SigningKey, RefusesOtherCurvesRsaGarbageAndCosignsFormat) {
  TestKey p384 = MakeKey("P-384"), rsa = MakeKey("RSA");
  absl::StatusOr<SigningKey> a = ParseSigningKey(p384.private_pem, "", false, "k");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("P-256"), absl::string_view::npos);
  absl::StatusOr<SigningKey> b = ParseSigningKey(rsa.private_pem, "", false, "k");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("not an ECDSA key"), absl::string_view::npos);
  EXPECT_FALSE(ParsePublicKey(p384.public_pem, "p").ok());
  EXPECT_FALSE(ParsePublicKey(rsa.public_pem, "p").ok());

  // A corrupted key: the error names where it came from, never what it holds.
  TestKey k = MakeKey();
  std::string broken = k.private_pem;
  broken[40] = broken[40] == 'A' ? 'B' : 'A';
  broken.erase(60, 10);
  absl::StatusOr<SigningKey> c = ParseSigningKey(broken, "", false, "key file /x");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "key file /x holds no PEM private key (PRIVATE KEY, ENCRYPTED PRIVATE KEY or EC "
            "PRIVATE KEY)");
  EXPECT_FALSE(ParseSigningKey("", "", false, "k").ok());
  EXPECT_FALSE(ParseSigningKey(k.public_pem, "", false, "k").ok());
  absl::StatusOr<SigningKey> d = ParseSigningKey(
      "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJ9\n-----END ENCRYPTED SIGSTORE "
      "PRIVATE KEY-----\n",
      "", false, "k");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("cosign's own encrypted format"), absl::string_view::npos);
}

TEST(SigningKey, FromAnEnvironmentVariableOrAFile) {
  TestKey k = MakeKey();
  setenv("STOWAGE_TEST_SIGNING_KEY", k.private_pem.c_str(), 1);
  KeySource env;
  env.env = "STOWAGE_TEST_SIGNING_KEY";
  EXPECT_TRUE(LoadSigningKey(env).ok());
  unsetenv("STOWAGE_TEST_SIGNING_KEY");
  absl::StatusOr<SigningKey> unset = LoadSigningKey(env);
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.status().message(), "$STOWAGE_TEST_SIGNING_KEY is not set or empty");

  KeySource both;
  both.env = "A";
  both.file = "/b";
  EXPECT_FALSE(LoadSigningKey(both).ok());
  KeySource missing;
  missing.file = "/nonexistent/key.pem";
  EXPECT_FALSE(LoadSigningKey(missing).ok());
  KeySource huge;
  huge.file = "/dev/zero";
  EXPECT_FALSE(LoadSigningKey(huge).ok());
}

}  // namespace
}  // namespace sign
}  // namespace stowage
