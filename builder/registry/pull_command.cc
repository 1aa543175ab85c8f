// `stowage pull`: fetches an image pinned by digest (or a tag, resolved once) from a registry
// or a local OCI layout into a directory oci_import can use. The oci_pull repository rule
// compiles this command (without Bazel) and runs it.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/common/output_path.h"
#include "builder/common/status_macros.h"
#include "builder/registry/client_flags.h"
#include "builder/registry/pull.h"

namespace stowage {
namespace registry {
namespace {

const std::vector<FlagDef>& PullFlags() {
  static const auto* flags = new std::vector<FlagDef>(WithClientFlags({
      ValueFlag("repository", "HOST[:PORT]/NAME", "the registry repository to pull from"),
      PathFlag("layout", "DIR", "an OCI image layout to read instead of a registry"),
      ValueFlag("digest", "sha256:HEX", "the manifest or index digest (the reproducible choice)"),
      ValueFlag("tag", "TAG", "without --digest: resolve this tag once"),
      ValueFlag("platform", "OS/ARCH[/VARIANT]", "picked from an index (default linux/amd64)"),
      PathFlag("output", "DIR", "directory for the blobs and pull.json (created if missing)"),
      ValueFlag("jobs", "N", "parallel blob downloads (default 4, at most 32)"),
  }));
  return *flags;
}

absl::Status PullMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, PullFlags()));
  PullRequest request;
  ASSIGN_OR_RETURN(request.output, flags.Require("output"));
  request.digest = flags.Get("digest");
  request.tag = flags.Get("tag");
  if (!request.tag.empty()) RETURN_IF_ERROR(ValidateTag(request.tag));
  ASSIGN_OR_RETURN(request.platform, ParsePlatform(flags.Get("platform", "linux/amd64")));
  ASSIGN_OR_RETURN(int64_t jobs, PositiveInt(flags, "jobs", 4));
  request.jobs = static_cast<int>(std::min<int64_t>(jobs, 32));
  if (flags.Has("repository") == flags.Has("layout")) {
    return absl::InvalidArgumentError("give exactly one of --repository or --layout");
  }
  std::unique_ptr<RegistryClient> client;
  if (flags.Has("repository")) {
    std::string scheme;
    ASSIGN_OR_RETURN(RepositoryRef repo, ParseRepository(flags.Get("repository"), &scheme));
    request.repository = repo;
    ASSIGN_OR_RETURN(ClientOptions options, ClientOptionsFromFlags(flags, scheme));
    ASSIGN_OR_RETURN(DockerConfig config, DockerConfig::Load());
    ASSIGN_OR_RETURN(Credentials credentials, ResolveCredentials(config, repo.host));
    client = std::make_unique<RegistryClient>(repo.host, credentials, options);
  } else {
    request.layout = flags.Get("layout");
  }
  std::vector<NamedPath> inputs;
  if (!request.layout.empty()) inputs.push_back({"--layout", request.layout});
  RETURN_IF_ERROR(CheckDirectoryToFill("--output", request.output, "pull.json", inputs));
  ASSIGN_OR_RETURN(std::string digest, Pull(request, client.get()));
  std::printf("%s\n", digest.c_str());
  return absl::OkStatus();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("pull", "fetch an image by digest from a registry or OCI layout",
                         PullMain);

}  // namespace registry
}  // namespace stowage
