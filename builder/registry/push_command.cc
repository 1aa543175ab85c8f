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
#include "builder/sign/sign_flags.h"

namespace stowage {
namespace registry {
namespace {

// After the push, --key/--key-env sign the pushed digest and --attest attaches attestations.
std::vector<FlagDef> WithSignFlags(std::vector<FlagDef> own) {
  for (FlagDef& f : sign::SignFlags()) own.push_back(std::move(f));
  return own;
}

const std::vector<FlagDef>& PushFlags() {
  static const auto* flags = new std::vector<FlagDef>(WithClientFlags(WithSignFlags({
      ValueFlag("repository", "HOST[:PORT]/NAME", "where to push (required)"),
      ValueFlag("tag", "TAG", "a tag to point at the pushed digest (repeated; {KEY} stamps)"),
      PathFlag("tags-file", "FILE", "more tags, one or more per line (# comments)"),
      PathFlag("stable-status", "FILE", "Bazel's stable workspace status, for {KEY} in tags"),
      PathFlag("volatile-status", "FILE", "Bazel's volatile workspace status"),
      PathFlag("manifest", "FILE", "the image manifest to push (with --config and --layer)"),
      PathFlag("config", "FILE", "the image config"),
      ValueFlag("layer", "DESCRIPTOR=BLOB", "a layer's descriptor and blob paths (repeated)"),
      PathFlag("spec", "FILE", "push spec JSON (written by oci_push) instead of --manifest"),
      PathFlag("spec-base", "DIR", "directory the spec's relative paths start from"),
      ValueFlag("jobs", "N", "parallel blob uploads (default 4, at most 64)"),
      ValueFlag("chunk-threshold", "BYTES", "blobs at least this big are uploaded in chunks"),
      ValueFlag("chunk-size", "BYTES", "size of each chunk of a chunked upload"),
  })));
  return *flags;
}

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
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, PushFlags()));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", flags.positional()[0], "\" (stowage push --help)"));
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
      image.layers.emplace_back(ResolveUserPath(layer.substr(0, eq)),
                                ResolveUserPath(layer.substr(eq + 1)));
    }
    ASSIGN_OR_RETURN(plan, PlanImage(image, target));
  } else {
    return absl::InvalidArgumentError("give --manifest or --spec (stowage push --help)");
  }

  // The key and the attestations are read before anything is pushed: a bad key or file fails
  // the push, not the signing after it.
  std::optional<sign::SigningPlan> signing;
  if (sign::WantsSigning(flags)) {
    ASSIGN_OR_RETURN(signing, sign::PrepareSigning(flags));
  } else if (flags.Has("attest") || flags.Has("key-passphrase-env")) {
    return absl::InvalidArgumentError("--attest and --key-passphrase-env need --key or --key-env");
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
  if (!signing.has_value()) return absl::OkStatus();
  sign::Descriptor subject;
  subject.media_type = plan.top.media_type;
  subject.digest = plan.top.digest;
  subject.size = static_cast<int64_t>(plan.top.bytes.size());
  return sign::RunSigning(*signing, client, target, subject);
}

}  // namespace

STOWAGE_REGISTER_COMMAND("push", "push an image or index to a registry (only missing blobs)",
                         PushMain);

}  // namespace registry
}  // namespace stowage
