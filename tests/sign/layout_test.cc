#include "absl/strings/escaping.h"
#include "builder/digest/sha256.h"
#include "builder/sign/cosign_layout.h"
#include "builder/sign/dsse.h"
#include "builder/sign/ecdsa.h"
#include "builder/sign/simple_signing.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/sign/test_keys.h"

namespace stowage {
namespace sign {
namespace {

const char kDigest[] = "sha256:e491b6dcc0cd6ef6d81d4c87df59ae504f65a15a9f563b166d5891e489c6d4f6";
const char kOtherDigest[] =
    "sha256:0000000000000000000000000000000000000000000000000000000000000001";

TEST(SimpleSigning, PayloadIsCosignsBytes) {
  absl::StatusOr<std::string> p = SimpleSigningPayload({"127.0.0.1:5000/team/app", kDigest});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p,
            std::string("{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/team/"
                        "app\"},\"image\":{\"docker-manifest-digest\":\"") +
                kDigest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
  absl::StatusOr<SimpleSigning> back = ParseSimpleSigningPayload(*p, "p");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->docker_reference, "127.0.0.1:5000/team/app");
  EXPECT_EQ(back->manifest_digest, kDigest);
}

TEST(SimpleSigning, HostilePayloadsAreErrors) {
  for (const char* bad : {
           "",
           "null",
           "[]",
           "{}",
           "{\"critical\":1}",
           "{\"critical\":{\"type\":\"other\",\"identity\":{\"docker-reference\":\"a/b\"},"
           "\"image\":{\"docker-manifest-digest\":\"sha256:00\"}}}",
           "{\"critical\":{\"type\":\"cosign container image signature\",\"identity\":{"
           "\"docker-reference\":5},\"image\":{\"docker-manifest-digest\":\"sha256:00\"}}}",
           "{\"critical\":{\"type\":\"cosign container image signature\",\"identity\":{"
           "\"docker-reference\":\"a/b\"},\"image\":{\"docker-manifest-digest\":\"sha256:00\"}}}",
           "{\"critical\":{\"type\":\"cosign container image signature\",\"identity\":{"
           "\"docker-reference\":\"a/b\"},\"image\":[]}}",
       }) {
    EXPECT_FALSE(ParseSimpleSigningPayload(bad, "p").ok()) << bad;
  }
  std::string deep(10000, '[');
  EXPECT_FALSE(ParseSimpleSigningPayload(deep, "p").ok());
  EXPECT_FALSE(ParseSimpleSigningPayload(std::string(kMaxPayloadBytes + 1, ' '), "p").ok());
}

TEST(CosignLayout, TagsAndManifestShape) {
  EXPECT_EQ(SignatureTag(kDigest),
            "sha256-e491b6dcc0cd6ef6d81d4c87df59ae504f65a15a9f563b166d5891e489c6d4f6.sig");
  EXPECT_EQ(AttestationTag(kDigest),
            "sha256-e491b6dcc0cd6ef6d81d4c87df59ae504f65a15a9f563b166d5891e489c6d4f6.att");
  EXPECT_EQ(ReferrersTag(kDigest),
            "sha256-e491b6dcc0cd6ef6d81d4c87df59ae504f65a15a9f563b166d5891e489c6d4f6");
  Blob layer = MakeBlob("payload", kSimpleSigningMediaType, {{kSignatureAnnotation, "c2ln"}});
  absl::StatusOr<BuiltManifest> m = CosignManifest({RefOf(layer)});
  ASSERT_TRUE(m.ok());
  nlohmann::json j = nlohmann::json::parse(m->bytes);
  EXPECT_EQ(j["mediaType"], oci::kOciManifest);
  EXPECT_EQ(j["config"]["digest"], m->config.digest);
  EXPECT_EQ(j["layers"][0]["annotations"][kSignatureAnnotation], "c2ln");
  nlohmann::json config = nlohmann::json::parse(m->config.bytes);
  EXPECT_EQ(config["rootfs"]["diff_ids"][0], layer.digest);
  EXPECT_EQ(m->digest, Sha256Digest(m->bytes));
  // The same layers give the same bytes.
  EXPECT_EQ(CosignManifest({RefOf(layer)})->bytes, m->bytes);

  absl::StatusOr<std::vector<LayerRef>> back = ParseManifestLayers(m->bytes, "m");
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].annotations.at(kSignatureAnnotation), "c2ln");

  Descriptor subject{oci::kOciManifest, kDigest, 123, "", {}};
  absl::StatusOr<BuiltManifest> r =
      ReferrerManifest(kSignatureArtifactType, {RefOf(layer)}, subject);
  ASSERT_TRUE(r.ok());
  nlohmann::json rj = nlohmann::json::parse(r->bytes);
  EXPECT_EQ(rj["subject"]["digest"], kDigest);
  EXPECT_EQ(rj["artifactType"], kSignatureArtifactType);
  EXPECT_EQ(rj["config"]["mediaType"], kOciEmptyType);
  EXPECT_EQ(r->config.bytes, "{}");
  EXPECT_EQ(r->config.digest,
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST(CosignLayout, HostileManifestsAreErrors) {
  for (const char* bad : {
           "",
           "[]",
           "{}",
           "{\"layers\":{}}",
           "{\"layers\":[1]}",
           "{\"layers\":[{\"mediaType\":\"x\",\"digest\":\"sha256:00\",\"size\":1}]}",
           "{\"layers\":[{\"mediaType\":\"x\",\"digest\":\"md5:00\",\"size\":1}]}",
           "{\"layers\":[{\"mediaType\":\"x\",\"digest\":\"sha256:"
           "0000000000000000000000000000000000000000000000000000000000000001\",\"size\":-1}]}",
           "{\"layers\":[{\"mediaType\":\"x\",\"digest\":\"sha256:"
           "0000000000000000000000000000000000000000000000000000000000000001\",\"size\":1,"
           "\"annotations\":{\"a\":1}}]}",
       }) {
    EXPECT_FALSE(ParseManifestLayers(bad, "m").ok()) << bad;
  }
  nlohmann::json many = {{"layers", nlohmann::json::array()}};
  for (size_t i = 0; i <= kMaxAttachedLayers; ++i) {
    many["layers"].push_back({{"mediaType", "x"}, {"digest", kOtherDigest}, {"size", 1}});
  }
  EXPECT_FALSE(ParseManifestLayers(many.dump(), "m").ok());
}

TEST(CosignLayout, ReferrersIndexAddsOnce) {
  Descriptor a{oci::kOciManifest, kDigest, 10, kSignatureArtifactType, {}};
  absl::StatusOr<std::string> one = AddReferrer("", "idx", a);
  ASSERT_TRUE(one.ok());
  absl::StatusOr<std::string> again = AddReferrer(*one, "idx", a);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *one);
  Descriptor b{oci::kOciManifest, kOtherDigest, 11, kDsseMediaType, {{"predicateType", "t"}}};
  absl::StatusOr<std::string> two = AddReferrer(*one, "idx", b);
  ASSERT_TRUE(two.ok());
  absl::StatusOr<std::vector<Descriptor>> entries = ParseReferrers(*two, "idx");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].artifact_type, kSignatureArtifactType);
  EXPECT_EQ((*entries)[1].annotations.at("predicateType"), "t");
  EXPECT_FALSE(AddReferrer("{\"manifests\":[{}]}", "idx", a).ok());
  EXPECT_FALSE(AddReferrer("{\"manifests\":7}", "idx", a).ok());
}

TEST(Dsse, PreAuthEncodingIsTheSpecs) {
  // The example of the DSSE protocol description.
  EXPECT_EQ(PreAuthEncoding("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

TEST(Dsse, RoundTripAndTampering) {
  testing::TestKey k = testing::MakeKey(), other = testing::MakeKey();
  absl::StatusOr<SigningKey> key = ParseSigningKey(k.private_pem, "", false, "k");
  absl::StatusOr<PublicKey> pub = ParsePublicKey(k.public_pem, "p");
  absl::StatusOr<PublicKey> other_pub = ParsePublicKey(other.public_pem, "o");
  ASSERT_TRUE(key.ok() && pub.ok() && other_pub.ok());
  absl::StatusOr<std::string> st =
      MakeStatement("127.0.0.1:5000/app", kDigest, "https://slsa.dev/provenance/v1", {{"a", 1}});
  ASSERT_TRUE(st.ok());
  absl::StatusOr<std::string> env = SignEnvelope(*key, kInTotoPayloadType, *st);
  ASSERT_TRUE(env.ok());
  absl::StatusOr<Statement> opened = OpenEnvelope(*env, *pub, "env");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->predicate_type, "https://slsa.dev/provenance/v1");
  ASSERT_EQ(opened->subject_digests.size(), 1u);
  EXPECT_EQ(opened->subject_digests[0], kDigest);
  EXPECT_EQ(opened->predicate["a"], 1);

  EXPECT_TRUE(absl::IsPermissionDenied(OpenEnvelope(*env, *other_pub, "env").status()));
  // The payload changed after signing.
  nlohmann::json j = nlohmann::json::parse(*env);
  std::string payload;
  ASSERT_TRUE(absl::Base64Unescape(j["payload"].get<std::string>(), &payload));
  payload.replace(payload.find(kDigest + 7), 64, std::string(kOtherDigest + 7));
  j["payload"] = absl::Base64Escape(payload);
  EXPECT_TRUE(absl::IsPermissionDenied(OpenEnvelope(j.dump(), *pub, "env").status()));
  // The payload type changed after signing: PAE covers it.
  nlohmann::json t = nlohmann::json::parse(*env);
  t["payloadType"] = "text/plain";
  EXPECT_TRUE(absl::IsPermissionDenied(OpenEnvelope(t.dump(), *pub, "env").status()));

  for (const char* bad :
       {"", "{}", "[]", "{\"payloadType\":1}",
        "{\"payloadType\":\"a\",\"payload\":\"!!\",\"signatures\":[]}",
        "{\"payloadType\":\"a\",\"payload\":\"\",\"signatures\":{}}",
        "{\"payloadType\":\"a\",\"payload\":\"\",\"signatures\":[{\"sig\":5}]}"}) {
    EXPECT_FALSE(OpenEnvelope(bad, *pub, "env").ok()) << bad;
  }
  // A valid signature over a statement of the wrong shape is still an error, not a crash.
  for (const char* statement : {"[]", "{\"_type\":\"x\"}",
                                "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":5,"
                                "\"predicateType\":\"t\"}",
                                "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{"
                                "\"digest\":{\"sha256\":\"zz\"}}],\"predicateType\":\"t\"}"}) {
    absl::StatusOr<std::string> e = SignEnvelope(*key, kInTotoPayloadType, statement);
    ASSERT_TRUE(e.ok());
    EXPECT_FALSE(OpenEnvelope(*e, *pub, "env").ok()) << statement;
  }
}

}  // namespace
}  // namespace sign
}  // namespace stowage
