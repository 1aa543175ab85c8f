// `stowage push`: uploads an image (or an index) to a registry, only what it lacks.
#include <unistd.h>

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/common/workspace_status.h"
#include "builder/registry/client_flags.h"
#include "builder/registry/push.h"

namespace stowage {
namespace registry {
namespace {

constexpr char kUsage[] =
    "usage: stowage push --repository HOST[:PORT]/NAME [--tag T]... [--tags-file F]\n"
    "         [--stable-status F] [--volatile-status F]   ({KEY} in tags from workspace status)\n"
    "         (--manifest F --config F [--layer DESCRIPTOR=BLOB]... | --spec F [--spec-base DIR])\n"
    "         [--jobs N] [--insecure] [--ca-cert F] [--retries N] [--retry-max-time SECONDS]\n"
    "         [--timeout DURATION] [--allow-upload-host HOST[:PORT]]...\n"
    "         [--chunk-threshold BYTES] [--chunk-size BYTES] [--verbose]";

absl::StatusOr<std::vector<std::string>> ReadTags(const Flags& flags) {
  std::vector<std::string> tags = flags.GetAll("tag");
  for (const std::string& file : flags.GetAll("tags-file")) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (line.empty() || line[0] == '#') continue;
      for (absl::string_view tag : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
        tags.emplace_back(tag);
      }
    }
  }
  // Stamped tags: "{STABLE_GIT_COMMIT}" and the like, from Bazel's workspace status files.
  ASSIGN_OR_RETURN(auto status,
                   ReadWorkspaceStatus({flags.Get("stable-status"), flags.Get("volatile-status")}));
  for (std::string& t : tags) {
    std::string stamped = StampText(t, status);
    size_t open = stamped.find('{');
    if (open != std::string::npos) {
      size_t close = stamped.find('}', open);
      std::string key =
          stamped.substr(open + 1, close == std::string::npos ? close : close - open - 1);
      return absl::InvalidArgumentError(absl::StrCat(
          "tag \"", t, "\" names {", key, "}, which ",
          status.empty() ? "needs stamping (oci_push stamp = True, or --stable-status)"
                         : "the workspace status does not have (see --workspace_status_command)"));
    }
    t = std::move(stamped);
  }
  std::vector<std::string> unique;
  for (const std::string& t : tags) {
    RETURN_IF_ERROR(ValidateTag(t));
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
  }
  return unique;
}

absl::Status PushMain(const std::vector<std::string>& args) {
  std::vector<std::string> known = {"manifest",      "config",          "layer", "spec",
                                    "spec-base",     "repository",      "tag",   "tags-file",
                                    "stable-status", "volatile-status", "jobs",  "chunk-threshold",
                                    "chunk-size"};
  known.insert(known.end(), kClientFlags.begin(), kClientFlags.end());
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, known));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", flags.positional()[0], "\"\n", kUsage));
  }
  ASSIGN_OR_RETURN(std::string repository, flags.Require("repository"));
  std::string scheme;
  ASSIGN_OR_RETURN(RepositoryRef target, ParseRepository(repository, &scheme));
  ASSIGN_OR_RETURN(std::vector<std::string> tags, ReadTags(flags));

  PushPlan plan;
  if (flags.Has("spec")) {
    ASSIGN_OR_RETURN(plan, PlanFromSpec(flags.Get("spec"), flags.Get("spec-base"), target));
  } else if (flags.Has("manifest")) {
    ImageFiles image;
    image.manifest = flags.Get("manifest");
    ASSIGN_OR_RETURN(image.config, flags.Require("config"));
    for (const std::string& layer : flags.GetAll("layer")) {
      size_t eq = layer.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == layer.size()) {
        return absl::InvalidArgumentError("--layer wants DESCRIPTOR=BLOB, got \"" + layer + "\"");
      }
      image.layers.emplace_back(layer.substr(0, eq), layer.substr(eq + 1));
    }
    ASSIGN_OR_RETURN(plan, PlanImage(image, target));
  } else {
    return absl::InvalidArgumentError(std::string("give --manifest or --spec\n") + kUsage);
  }

  PushOptions options;
  options.target = target;
  options.tags = tags;
  ASSIGN_OR_RETURN(int64_t jobs, PositiveInt(flags, "jobs", 4));
  options.jobs = static_cast<int>(std::min<int64_t>(jobs, 64));
  ASSIGN_OR_RETURN(options.upload.chunk_threshold,
                   PositiveInt(flags, "chunk-threshold", options.upload.chunk_threshold));
  ASSIGN_OR_RETURN(options.upload.chunk_size,
                   PositiveInt(flags, "chunk-size", options.upload.chunk_size));

  ASSIGN_OR_RETURN(ClientOptions client_options, ClientOptionsFromFlags(flags, scheme));
  // The default deadline grows with what there is to upload (a --timeout never does).
  int64_t bytes = 0;
  for (const LocalBlob& blob : plan.blobs) {
    bytes = std::min(kMaxTransferAllowanceBytes,
                     bytes + std::min<int64_t>(blob.size, kMaxTransferAllowanceBytes));
  }
  client_options.deadline->ExtendBy(TransferAllowance(bytes));
  ASSIGN_OR_RETURN(DockerConfig config, DockerConfig::Load());
  ASSIGN_OR_RETURN(Credentials credentials, ResolveCredentials(config, target.host));
  RegistryClient client(target.host, credentials, client_options);

  absl::Time start = absl::Now();
  Progress progress(isatty(STDERR_FILENO) != 0 && !client_options.verbose);
  ASSIGN_OR_RETURN(PushReport report, Push(client, plan, options, progress));
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  std::vector<std::string> requests;
  int total = 0;
  for (const auto& [method, n] : report.requests) {
    if (method == "token") continue;
    requests.push_back(absl::StrCat(method, "=", n));
    total += n;
  }
  std::printf(
      "%d blobs: %d pushed (%s), %d existed, %d mounted; %d manifest(s) put; "
      "tags moved: %s; unchanged: %s; %.1fs\n",
      report.blobs, report.uploaded, HumanBytes(report.bytes_uploaded).c_str(), report.existed,
      report.mounted, report.manifests_put,
      report.tags_moved.empty() ? "none" : absl::StrJoin(report.tags_moved, ",").c_str(),
      report.tags_unchanged.empty() ? "none" : absl::StrJoin(report.tags_unchanged, ",").c_str(),
      seconds);
  std::printf(
      "summary: uploaded_bytes=%lld config_bytes=%lld blobs_pushed=%d blobs_existed=%d "
      "blobs_mounted=%d manifests_put=%d requests=%d %s token_requests=%d\n",
      static_cast<long long>(report.bytes_uploaded),
      static_cast<long long>(report.config_bytes_uploaded), report.uploaded, report.existed,
      report.mounted, report.manifests_put, total, absl::StrJoin(requests, " ").c_str(),
      report.tokens);
  std::printf("%s@%s\n", target.ToString().c_str(), report.digest.c_str());
  std::fflush(stdout);
  return absl::OkStatus();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("push", "push an image or index to a registry (only missing blobs)",
                         PushMain);

}  // namespace registry
}  // namespace stowage
