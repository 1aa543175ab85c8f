#include "builder/oci/image_config.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/workspace_status.h"
#include "builder/digest/sha256.h"
#include "builder/oci/env.h"
#include "builder/oci/image_builder.h"
#include "builder/oci/media_types.h"
#include "gtest/gtest.h"

namespace stowage {
namespace oci {
namespace {

using nlohmann::json;

std::string Hex(char c) { return std::string(64, c); }

NewLayer Layer(char digest, char diff_id, const std::string& media_type = kOciLayerGzip) {
  NewLayer l;
  l.layer.descriptor.media_type = media_type;
  l.layer.descriptor.digest = "sha256:" + Hex(digest);
  l.layer.descriptor.size = 100;
  l.layer.diff_id = "sha256:" + Hex(diff_id);
  l.created_by = std::string("stowage: layer //app:") + digest;
  return l;
}

json BaseConfig() {
  return json::parse(R"({
    "architecture": "amd64", "os": "linux", "created": "2020-01-01T00:00:00Z",
    "config": {
      "Env": ["PATH=/usr/bin:/bin", "HOME=/root", "LANG=C"],
      "Entrypoint": ["/docker-entrypoint.sh"], "Cmd": ["nginx", "-g", "daemon off;"],
      "User": "nginx", "WorkingDir": "/srv", "ExposedPorts": {"80/tcp": {}},
      "Labels": {"maintainer": "someone"}, "Hostname": "", "AttachStdin": false,
      "Image": "sha256:abc", "Volumes": null
    },
    "rootfs": {"type": "layers", "diff_ids": ["sha256:)" +
                     Hex('1') + R"(", "sha256:)" + Hex('2') + R"("]},
    "history": [{"created_by": "base 1"}, {"created_by": "base 2"}, {"created_by": "ENV", "empty_layer": true}]
  })");
}

json BaseManifest(const std::string& config_bytes, const char* media_type = kOciManifest,
                  const char* layer_type = kOciLayerGzip) {
  return {{"schemaVersion", 2},
          {"mediaType", media_type},
          {"config",
           {{"mediaType", std::string(media_type) == kOciManifest ? kOciConfig : kDockerConfig},
            {"digest", Sha256Digest(config_bytes)},
            {"size", config_bytes.size()}}},
          {"layers",
           {{{"mediaType", layer_type}, {"digest", "sha256:" + Hex('a')}, {"size", 10}},
            {{"mediaType", layer_type}, {"digest", "sha256:" + Hex('b')}, {"size", 20}}}}};
}

ImageInputs WithBase(const json& config, const char* manifest_type = kOciManifest,
                     const char* layer_type = kOciLayerGzip) {
  ImageInputs in;
  in.base_config = CanonicalJson(config).value();
  in.base_manifest =
      CanonicalJson(BaseManifest(*in.base_config, manifest_type, layer_type)).value();
  return in;
}

TEST(ImageConfig, ScratchImageHasExactlyTheFieldsSet) {
  ImageOptions o;
  o.created = "1970-01-01T00:00:00Z";
  o.cmd = std::vector<std::string>{"/app"};
  auto config = BuildConfig(nullptr, o, {Layer('a', 'b')});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(
      CanonicalJson(*config).value(),
      R"({"architecture":"amd64","config":{"Cmd":["/app"]},"created":"1970-01-01T00:00:00Z",)"
      R"("history":[{"created":"1970-01-01T00:00:00Z","created_by":"stowage: layer //app:a"}],)"
      R"("os":"linux","rootfs":{"diff_ids":["sha256:)" +
          Hex('b') + R"("],"type":"layers"}})");
}

TEST(ImageConfig, NoSettingsMeansNoConfigObjectAndNoNulls) {
  ImageOptions o;
  auto config = BuildConfig(nullptr, o, {});
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->contains("config"));
  EXPECT_FALSE(config->contains("history"));
  EXPECT_FALSE(absl::StrContains(CanonicalJson(*config).value(), "null"));
  EXPECT_EQ((*config)["rootfs"]["diff_ids"], json::array());
}

TEST(ImageConfig, InheritsBaseSettingsAndDropsBuildContainerFields) {
  json base = BaseConfig();
  ImageOptions o;
  auto config = BuildConfig(&base, o, {Layer('c', '3')});
  ASSERT_TRUE(config.ok()) << config.status();
  const json& c = (*config)["config"];
  EXPECT_EQ(c["User"], "nginx");
  EXPECT_EQ(c["WorkingDir"], "/srv");
  EXPECT_EQ(c["Entrypoint"], json::array({"/docker-entrypoint.sh"}));
  EXPECT_EQ(c["Cmd"], json::array({"nginx", "-g", "daemon off;"}));
  EXPECT_EQ(c["ExposedPorts"], json::parse(R"({"80/tcp":{}})"));
  EXPECT_EQ(c["Labels"]["maintainer"], "someone");
  EXPECT_FALSE(c.contains("Hostname"));
  EXPECT_FALSE(c.contains("AttachStdin"));
  EXPECT_FALSE(c.contains("Image"));
  EXPECT_FALSE(c.contains("Volumes"));
  EXPECT_FALSE(absl::StrContains(CanonicalJson(*config).value(), "null"));
}

TEST(ImageConfig, SettingEntrypointResetsInheritedCmd) {
  json base = BaseConfig();
  ImageOptions o;
  o.entrypoint = std::vector<std::string>{"/app/server"};
  auto config = BuildConfig(&base, o, {});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((*config)["config"]["Entrypoint"], json::array({"/app/server"}));
  EXPECT_FALSE((*config)["config"].contains("Cmd"));

  ImageOptions both = o;
  both.cmd = std::vector<std::string>{"--port", "8080"};
  config = BuildConfig(&base, both, {});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((*config)["config"]["Cmd"], json::array({"--port", "8080"}));
}

TEST(ImageConfig, SettingCmdKeepsInheritedEntrypoint) {
  json base = BaseConfig();
  ImageOptions o;
  o.cmd = std::vector<std::string>{"serve"};
  auto config = BuildConfig(&base, o, {});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((*config)["config"]["Entrypoint"], json::array({"/docker-entrypoint.sh"}));
  EXPECT_EQ((*config)["config"]["Cmd"], json::array({"serve"}));
}

TEST(ImageConfig, OverridesUserWorkdirAndMergesPortsLabelsVolumes) {
  json base = BaseConfig();
  ImageOptions o;
  o.user = "1000:1000";
  o.workdir = "app";  // relative: resolved against the base's /srv
  o.exposed_ports = {"8080", "53/udp", "9000/TCP"};
  o.labels = {{"maintainer", "us"}, {"version", "1"}};
  o.volumes = {"/data"};
  o.stop_signal = "SIGQUIT";
  auto config = BuildConfig(&base, o, {});
  ASSERT_TRUE(config.ok()) << config.status();
  const json& c = (*config)["config"];
  EXPECT_EQ(c["User"], "1000:1000");
  EXPECT_EQ(c["WorkingDir"], "/srv/app");
  EXPECT_EQ(c["ExposedPorts"],
            json::parse(R"({"80/tcp":{},"8080/tcp":{},"53/udp":{},"9000/tcp":{}})"));
  EXPECT_EQ(c["Labels"], json::parse(R"({"maintainer":"us","version":"1"})"));
  EXPECT_EQ(c["Volumes"], json::parse(R"({"/data":{}})"));
  EXPECT_EQ(c["StopSignal"], "SIGQUIT");
}

TEST(ImageConfig, EnvMergesOverBaseWithExpansionOfBaseValues) {
  json base = BaseConfig();
  ImageOptions o;
  o.env = {{"PATH", "/app/bin:$PATH"},
           {"CACHE", "${HOME}/.cache"},
           {"MISSING", "x${NOPE}y"},
           {"PRICE", "\\$5"},
           {"LANG", "C.UTF-8"}};
  auto config = BuildConfig(&base, o, {});
  ASSERT_TRUE(config.ok()) << config.status();
  // Base keys keep their place; new keys follow in key order.
  EXPECT_EQ((*config)["config"]["Env"],
            json::array({"PATH=/app/bin:/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8",
                         "CACHE=/root/.cache", "MISSING=xy", "PRICE=$5"}));
}

TEST(ImageConfig, EnvKeyWithoutNameIsAnError) {
  ImageOptions o;
  o.env = {{"", "value"}};
  auto config = BuildConfig(nullptr, o, {});
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::StrContains(config.status().message(), "without a name"));
  o.env = {{"A=B", "value"}};
  EXPECT_FALSE(BuildConfig(nullptr, o, {}).ok());
}

TEST(Env, LongValuesAndLargeEnvironments) {
  // Hostile shapes for the $VAR scanner: an unterminated ${ of 1 MB, 100,000 references, and a
  // base config with 10,000 entries merged with 10,000 more (an index, not a scan per key).
  EnvList vars = {{"A", "1"}};
  std::string open = "${" + std::string(1 << 20, 'A');
  EXPECT_EQ(ExpandEnvValue(open, vars), open);
  std::string refs;
  for (int i = 0; i < 100000; ++i) refs += "${A}$A";
  EXPECT_EQ(ExpandEnvValue(refs, vars), std::string(200000, '1'));
  std::vector<std::string> entries;
  std::map<std::string, std::string> overrides;
  for (int i = 0; i < 10000; ++i) {
    entries.push_back("K" + std::to_string(i) + "=v");
    overrides["N" + std::to_string(i)] = "$K" + std::to_string(i);
  }
  entries.push_back("K0=again");  // a repeated key keeps its first position, takes the last value
  auto base = ParseEnvEntries(entries, "base");
  ASSERT_TRUE(base.ok());
  ASSERT_EQ(base->size(), 10000u);
  EXPECT_EQ((*base)[0], (std::pair<std::string, std::string>{"K0", "again"}));
  auto merged = MergeEnv(*base, overrides);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->size(), 20000u);
  EXPECT_EQ(merged->back().second, "v");
  auto bad = ParseEnvEntries({std::string(1 << 20, 'x')}, "base");
  ASSERT_FALSE(bad.ok());
  EXPECT_LT(bad.status().message().size(), 300u);  // the entry is not echoed whole
}

TEST(Env, ExpandHandlesEdgeCases) {
  EnvList vars = {{"A", "1"}, {"B_2", "two"}};
  EXPECT_EQ(ExpandEnvValue("$A$B_2", vars), "1two");
  EXPECT_EQ(ExpandEnvValue("${A}x", vars), "1x");
  EXPECT_EQ(ExpandEnvValue("$", vars), "$");
  EXPECT_EQ(ExpandEnvValue("a$-b", vars), "a$-b");
  EXPECT_EQ(ExpandEnvValue("${A", vars), "${A");
  EXPECT_EQ(ExpandEnvValue("$Ax", vars), "");  // the name is "Ax", unknown
}

TEST(ImageConfig, PortsAreNormalizedOrRejected) {
  EXPECT_EQ(*NormalizePort("8080"), "8080/tcp");
  EXPECT_EQ(*NormalizePort("8080/tcp"), "8080/tcp");
  EXPECT_EQ(*NormalizePort("53/udp"), "53/udp");
  EXPECT_EQ(*NormalizePort("5000/sctp"), "5000/sctp");
  for (const char* bad :
       {"", "0", "65536", "http", "80/xyz", "-1", "80/", "/tcp", "8080-8090", "080000"}) {
    EXPECT_FALSE(NormalizePort(bad).ok()) << bad;
  }
  ImageOptions o;
  o.exposed_ports = {"99999"};
  auto config = BuildConfig(nullptr, o, {});
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::StrContains(config.status().message(), "99999"));
}

TEST(ImageConfig, HistoryKeepsBaseEntriesAndAddsOnePerLayer) {
  json base = BaseConfig();
  ImageOptions o;
  o.created = "1970-01-01T00:00:00Z";
  auto config = BuildConfig(&base, o, {Layer('c', '3'), Layer('d', '4')});
  ASSERT_TRUE(config.ok());
  const json& history = (*config)["history"];
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[0]["created_by"], "base 1");
  EXPECT_EQ(history[2]["empty_layer"], true);
  EXPECT_EQ(history[3]["created_by"], "stowage: layer //app:c");
  EXPECT_EQ(history[4]["created_by"], "stowage: layer //app:d");
  EXPECT_EQ((*config)["rootfs"]["diff_ids"],
            json::array({"sha256:" + Hex('1'), "sha256:" + Hex('2'), "sha256:" + Hex('3'),
                         "sha256:" + Hex('4')}));
  EXPECT_EQ((*config)["created"], "1970-01-01T00:00:00Z");  // not the base's 2020 date
}

TEST(ImageConfig, PlatformInheritsOrConflicts) {
  json base = BaseConfig();
  base["architecture"] = "arm64";
  base["variant"] = "v8";
  ImageOptions o;
  auto config = BuildConfig(&base, o, {});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((*config)["architecture"], "arm64");
  EXPECT_EQ((*config)["variant"], "v8");
  o.architecture = "amd64";
  config = BuildConfig(&base, o, {});
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::StrContains(config.status().message(), "arm64"));
}

TEST(ImageConfig, MalformedBaseConfigIsRejected) {
  ImageOptions o;
  for (const char* bad : {
           R"([])",
           R"({"os":"linux"})",
           R"({"rootfs":{"type":"snapshot","diff_ids":[]}})",
           R"({"rootfs":{"type":"layers","diff_ids":["md5:abc"]}})",
           R"({"rootfs":{"type":"layers","diff_ids":[]},"config":{"Env":"PATH=/bin"}})",
           R"({"rootfs":{"type":"layers","diff_ids":[]},"config":{"Env":["NOEQUALS"]}})",
           R"({"rootfs":{"type":"layers","diff_ids":[]},"config":{"Cmd":[1]}})",
           R"({"rootfs":{"type":"layers","diff_ids":[]},"config":{"ExposedPorts":["80"]}})",
           R"({"rootfs":{"type":"layers","diff_ids":[]},"history":{}})",
           R"({"rootfs":{"type":"layers","diff_ids":[]},"config":[]})",
       }) {
    json base = json::parse(bad);
    auto config = BuildConfig(&base, o, {});
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_TRUE(absl::StrContains(config.status().message(), "base config")) << bad;
  }
}

TEST(Manifest, OciAndDockerMediaTypes) {
  ImageInputs in = WithBase(BaseConfig());
  in.layers = {Layer('c', '3'), Layer('d', '4', kOciLayerTar)};
  in.options.format = ImageFormat::kOci;
  auto oci = AssembleImage(in);
  ASSERT_TRUE(oci.ok()) << oci.status();
  json m = json::parse(oci->manifest);
  EXPECT_EQ(m["mediaType"], kOciManifest);
  EXPECT_EQ(m["config"]["mediaType"], kOciConfig);
  EXPECT_EQ(m["layers"].size(), 4u);
  EXPECT_EQ(m["layers"][0]["mediaType"], kOciLayerGzip);
  EXPECT_EQ(m["layers"][3]["mediaType"], kOciLayerTar);
  EXPECT_EQ(oci->descriptor["mediaType"], kOciManifest);

  in.options.format = ImageFormat::kDocker;
  auto docker = AssembleImage(in);
  ASSERT_TRUE(docker.ok()) << docker.status();
  m = json::parse(docker->manifest);
  EXPECT_EQ(m["mediaType"], kDockerManifest);
  EXPECT_EQ(m["config"]["mediaType"], kDockerConfig);
  EXPECT_EQ(m["layers"][0]["mediaType"], kDockerLayerGzip);
  EXPECT_EQ(m["layers"][2]["mediaType"], kDockerLayerGzip);
  EXPECT_EQ(m["layers"][3]["mediaType"], kDockerLayerTar);
  EXPECT_FALSE(m.contains("annotations"));  // schema 2 has none
  EXPECT_EQ(docker->descriptor["mediaType"], kDockerManifest);
  EXPECT_EQ(docker->descriptor["digest"], Sha256Digest(docker->manifest));
  EXPECT_EQ(m["config"]["digest"], Sha256Digest(docker->config));
}

TEST(Manifest, DockerBaseUnderOciImageMapsMediaTypes) {
  ImageInputs in = WithBase(BaseConfig(), kDockerManifest, kDockerLayerGzip);
  in.options.format = ImageFormat::kOci;
  auto image = AssembleImage(in);
  ASSERT_TRUE(image.ok()) << image.status();
  json m = json::parse(image->manifest);
  EXPECT_EQ(m["layers"][0]["mediaType"], kOciLayerGzip);
  EXPECT_EQ(m["layers"][1]["digest"], "sha256:" + Hex('b'));
  EXPECT_EQ(m["annotations"]["org.opencontainers.image.base.digest"],
            Sha256Digest(*in.base_manifest));
}

TEST(Manifest, ZstdLayersAreAnErrorInDockerFormat) {
  ImageInputs in;
  in.options.format = ImageFormat::kDocker;
  in.layers = {Layer('c', '3', kOciLayerZstd)};
  auto image = AssembleImage(in);
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(absl::StrContains(image.status().message(), "zstd"));
  in.options.format = ImageFormat::kOci;
  EXPECT_TRUE(AssembleImage(in).ok());
}

TEST(Manifest, NonLayerDescriptorIsRejected) {
  json desc = {{"mediaType", kOciConfig},
               {"digest", "sha256:" + Hex('a')},
               {"size", 3},
               {"diffId", "sha256:" + Hex('b')}};
  auto layer = ParseLayerDescriptor(desc, "x.json");
  ASSERT_FALSE(layer.ok());
  EXPECT_TRUE(absl::StrContains(layer.status().message(), "does not describe a layer"));
  desc["mediaType"] = kOciLayerGzip;
  desc["digest"] = "sha256:ABC";
  EXPECT_FALSE(ParseLayerDescriptor(desc, "x.json").ok());
  desc["digest"] = "sha256:" + Hex('a');
  desc.erase("diffId");
  EXPECT_FALSE(ParseLayerDescriptor(desc, "x.json").ok());
  desc["diffId"] = "sha256:" + Hex('b');
  desc["size"] = -1;
  EXPECT_FALSE(ParseLayerDescriptor(desc, "x.json").ok());
}

TEST(Manifest, BaseMismatchesAreRejected) {
  // Config bytes that are not the ones the manifest names.
  ImageInputs in = WithBase(BaseConfig());
  in.base_config = *in.base_config + " ";
  auto image = AssembleImage(in);
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(absl::StrContains(image.status().message(), "digest"));

  // Three diff_ids for two manifest layers.
  json three = BaseConfig();
  three["rootfs"]["diff_ids"].push_back("sha256:" + Hex('9'));
  image = AssembleImage(WithBase(three));
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(absl::StrContains(image.status().message(), "diff_ids"));

  // An index is not an image.
  ImageInputs index = WithBase(BaseConfig());
  json m = json::parse(*index.base_manifest);
  m["mediaType"] = kOciIndex;
  index.base_manifest = m.dump();
  image = AssembleImage(index);
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(absl::StrContains(image.status().message(), "index"));

  ImageInputs garbage = WithBase(BaseConfig());
  garbage.base_manifest = "{not json";
  EXPECT_FALSE(AssembleImage(garbage).ok());
}

TEST(Manifest, CanonicalBytesAreStable) {
  ImageInputs a = WithBase(BaseConfig());
  a.layers = {Layer('c', '3')};
  a.options.env = {{"B", "2"}, {"A", "1"}};
  a.options.labels = {{"z", "1"}, {"a", "2"}};
  a.annotations = {{"z", "1"}, {"a", "2"}};
  auto first = AssembleImage(a);
  auto second = AssembleImage(a);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->config, second->config);
  EXPECT_EQ(first->manifest, second->manifest);
  EXPECT_EQ(first->config, CanonicalJson(json::parse(first->config)).value());
  EXPECT_EQ(first->manifest, CanonicalJson(json::parse(first->manifest)).value());
  EXPECT_FALSE(absl::StrContains(first->manifest, " "));
  EXPECT_EQ(first->manifest.rfind(R"({"annotations":{"a":"2",)", 0), 0u) << first->manifest;
}

TEST(Manifest, DescriptorCarriesPlatform) {
  ImageInputs in;
  in.options.architecture = "arm64";
  in.options.variant = "v8";
  auto image = AssembleImage(in);
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->descriptor["platform"],
            json::parse(R"({"architecture":"arm64","os":"linux","variant":"v8"})"));
  EXPECT_EQ(image->descriptor["size"], image->manifest.size());
}

TEST(Manifest, PlatformOfConfig) {
  json arm = json::parse(R"({"os":"linux","architecture":"arm","variant":"v7",)"
                         R"("os.version":"","rootfs":{}})");
  EXPECT_EQ(PlatformOf(JsonView(arm, "config")).value(),
            json::parse(R"({"architecture":"arm","os":"linux","variant":"v7"})"));
  json windows = json::parse(R"({"os":"windows","architecture":"amd64",)"
                             R"("os.version":"10.0.17763","os.features":["win32k"]})");
  EXPECT_EQ(PlatformOf(JsonView(windows, "config")).value(),
            json::parse(R"({"architecture":"amd64","os":"windows","os.version":"10.0.17763",)"
                        R"("os.features":["win32k"]})"));
  // Wrong types are errors naming the field, not exceptions.
  json bad = json::parse(R"({"os":"linux","architecture":["amd64"]})");
  auto platform = PlatformOf(JsonView(bad, "config"));
  ASSERT_FALSE(platform.ok());
  EXPECT_EQ(platform.status().message(),
            "architecture: expected a string, got an array (in config)");
}

TEST(ImageSpec, CreatedFromSourceDateEpochOrStamp) {
  json spec = {{"format", "oci"}};
  auto parsed = ParseImageSpec(spec, {}, 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->inputs.options.created, "1970-01-01T00:00:00Z");
  EXPECT_EQ(parsed->inputs.annotations.at("org.opencontainers.image.created"),
            "1970-01-01T00:00:00Z");
  EXPECT_FALSE(parsed->inputs.annotations.count("org.opencontainers.image.revision"));

  parsed = ParseImageSpec(spec, {}, 1700000000);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->inputs.options.created, "2023-11-14T22:13:20Z");

  spec["labels"] = {{"commit", "{STABLE_GIT_COMMIT}"}};
  std::map<std::string, std::string> status = ParseWorkspaceStatus(
      "BUILD_TIMESTAMP 86400\nSTABLE_GIT_COMMIT 0123abc\nSTABLE_GIT_URL https://git.example/app\n");
  parsed = ParseImageSpec(spec, status, 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->inputs.options.created, "1970-01-02T00:00:00Z");
  EXPECT_EQ(parsed->inputs.annotations.at("org.opencontainers.image.revision"), "0123abc");
  EXPECT_EQ(parsed->inputs.annotations.at("org.opencontainers.image.source"),
            "https://git.example/app");
  EXPECT_EQ(parsed->inputs.options.labels.at("commit"), "0123abc");
}

TEST(ImageSpec, CreatedAttributeValueFileAndStamp) {
  json spec = {{"format", "oci"}, {"created", "1700000000"}};
  auto parsed = ParseImageSpec(spec, {}, 5);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->inputs.options.created, "2023-11-14T22:13:20Z");  // wins over the epoch
  EXPECT_EQ(parsed->inputs.annotations.at("org.opencontainers.image.created"),
            "2023-11-14T22:13:20Z");

  spec["created"] = "2024-01-31T12:00:00.250Z";  // rules_oci's format, kept as written
  parsed = ParseImageSpec(spec, {}, 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->inputs.options.created, "2024-01-31T12:00:00.250Z");

  spec["created"] = "{BUILD_TIMESTAMP}";
  parsed = ParseImageSpec(spec, ParseWorkspaceStatus("BUILD_TIMESTAMP 86400\n"), 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->inputs.options.created, "1970-01-02T00:00:00Z");
  parsed = ParseImageSpec(spec, {}, 0);  // not stamped: says so
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(absl::StrContains(parsed.status().message(), "stamp = True")) << parsed.status();

  for (const char* bad : {"yesterday", "2024-13-01T00:00:00Z", "-5", "2024-01-31"}) {
    spec["created"] = bad;
    EXPECT_FALSE(ParseImageSpec(spec, {}, 0).ok()) << bad;
  }

  std::string dir = testing::TempDir();
  std::string file = dir + "/created.txt";
  ASSERT_TRUE(WriteFileAtomically(file, "2020-02-02T02:02:02Z\n").ok());
  spec.erase("created");
  spec["created_file"] = file;
  parsed = ParseImageSpec(spec, {}, 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->inputs.options.created, "2020-02-02T02:02:02Z");
}

TEST(ImageSpec, RulesOciFileForms) {
  std::string dir = testing::TempDir();
  auto write = [&](const std::string& name, const std::string& text) {
    std::string path = dir + "/" + name;
    EXPECT_TRUE(WriteFileAtomically(path, text).ok());
    return path;
  };
  json spec = {
      {"format", "oci"},
      {"env_file", write("env.txt", "PATH=/usr/bin\nEMPTY=\n\nURL=a=b\n")},
      {"env", {{"PATH", "/app/bin"}}},  // the dict wins over the file
      {"labels_file", write("labels.txt", "org.example.team=images\n")},
      {"annotations_file", write("annotations.txt", "org.opencontainers.image.title=app\n")},
      {"entrypoint_file", write("entrypoint.txt", "/app/run\n--greeting\nhello%5Cnworld\n")},
      {"cmd_file", write("cmd.txt", "serve\n")},
      {"exposed_ports_file", write("ports.txt", "8080/tcp, 53/udp\n")},
      {"volumes_file", write("volumes.txt", "/data,/cache\n")},
  };
  auto parsed = ParseImageSpec(spec, {}, 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const ImageOptions& o = parsed->inputs.options;
  EXPECT_EQ(o.env.at("PATH"), "/app/bin");
  EXPECT_EQ(o.env.at("EMPTY"), "");
  EXPECT_EQ(o.env.at("URL"), "a=b");
  EXPECT_EQ(o.labels.at("org.example.team"), "images");
  EXPECT_EQ(parsed->inputs.annotations.at("org.opencontainers.image.title"), "app");
  EXPECT_EQ(*o.entrypoint, (std::vector<std::string>{"/app/run", "--greeting", "hello\nworld"}));
  EXPECT_EQ(*o.cmd, (std::vector<std::string>{"serve"}));
  EXPECT_EQ(o.exposed_ports, (std::vector<std::string>{"8080/tcp", "53/udp"}));
  EXPECT_EQ(o.volumes, (std::vector<std::string>{"/data", "/cache"}));

  spec["env_file"] = write("bad_env.txt", "PATH=/bin\njust words\n");
  parsed = ParseImageSpec(spec, {}, 0);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(absl::StrContains(parsed.status().message(), "line 2 is not KEY=VALUE"))
      << parsed.status();
  spec["env_file"] = dir + "/missing.txt";
  EXPECT_FALSE(ParseImageSpec(spec, {}, 0).ok());
}

TEST(ImageSpec, HealthcheckDurationsAreNanoseconds) {
  auto hc = BuildHealthcheck(json::parse(
      R"({"test":["CMD-SHELL","curl -f localhost"],"interval":"30s","timeout":"1m30s","retries":"3"})"));
  ASSERT_TRUE(hc.ok()) << hc.status();
  EXPECT_EQ(*hc, json::parse(R"({"Test":["CMD-SHELL","curl -f localhost"],"Interval":30000000000,)"
                             R"("Timeout":90000000000,"Retries":3})"));
  EXPECT_FALSE(BuildHealthcheck(json::parse(R"({"test":["curl"]})")).ok());
  EXPECT_FALSE(BuildHealthcheck(json::parse(R"({"test":["CMD"]})")).ok());
  EXPECT_FALSE(BuildHealthcheck(json::parse(R"({"test":["NONE"],"interval":"soon"})")).ok());
  EXPECT_FALSE(BuildHealthcheck(json::parse(R"({"test":["NONE"],"retry":"3"})")).ok());
  EXPECT_TRUE(BuildHealthcheck(json::parse(R"({"test":["NONE"]})")).ok());
}

// A base image from a registry that lies about types: errors naming the field, never an
// exception (before: nlohmann's type_error escaped from value("schemaVersion", 0) and aborted).
TEST(Manifest, HostileBasesAreErrorsNamingTheField) {
  auto with_manifest_edit = [](const std::function<void(json&)>& edit) {
    ImageInputs in = WithBase(BaseConfig());
    json m = json::parse(*in.base_manifest);
    edit(m);
    in.base_manifest = m.dump();
    return AssembleImage(in);
  };
  auto image = with_manifest_edit([](json& m) { m["schemaVersion"] = "2"; });
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().message(),
            "schemaVersion: expected an integer, got a string (in the base manifest)");
  image = with_manifest_edit([](json& m) { m["layers"][1]["mediaType"] = 5; });
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(absl::StrContains(image.status().message(), "layers[1].mediaType: expected a string"))
      << image.status();
  image = with_manifest_edit([](json& m) { m["mediaType"] = 7; });
  EXPECT_FALSE(image.ok());
  image = with_manifest_edit([](json& m) { m["layers"][0]["annotations"] = {{"k", 1}}; });
  EXPECT_FALSE(image.ok());

  json base = BaseConfig();
  base["rootfs"]["diff_ids"] = {{"0", "sha256:" + Hex('1')}};
  image = AssembleImage(WithBase(base));
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().message(),
            "rootfs.diff_ids: expected an array, got an object (in the base config)");
  base = BaseConfig();
  base["config"]["Labels"] = {{"maintainer", 5}};
  EXPECT_FALSE(AssembleImage(WithBase(base)).ok());
  base = BaseConfig();
  base["architecture"] = {"amd64"};
  EXPECT_FALSE(AssembleImage(WithBase(base)).ok());
}

TEST(Manifest, OneDigestWithTwoSizesIsRefused) {
  // Copying both descriptors would give a manifest where one of them has the wrong size.
  ImageInputs in = WithBase(BaseConfig());
  json m = json::parse(*in.base_manifest);
  m["layers"][1]["digest"] = m["layers"][0]["digest"];
  in.base_manifest = m.dump();
  auto image = AssembleImage(in);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().message(),
            "layer sha256:" + Hex('a') + " is listed with sizes 10 and 20");
  // The same digest with the same size is one blob used twice: fine.
  m["layers"][1]["size"] = 10;
  in.base_manifest = m.dump();
  EXPECT_TRUE(AssembleImage(in).ok());
  // A new layer claiming a base layer's digest with another size is refused too.
  in = WithBase(BaseConfig());
  NewLayer clash = Layer('a', 'c');
  in.layers = {clash};
  EXPECT_FALSE(AssembleImage(in).ok());
}

}  // namespace
}  // namespace oci
}  // namespace stowage
