// Names that come from users, specs and registries: image references (name:tag, repository,
// ref.name annotation), tags, digests, platforms, and URLs: a request URL and the Location a
// server answers with, resolved as every redirect and upload location is.
// Input: a reference, "@@@", a request URL, "@@@", a Location value.
#include <cstdint>
#include <string>

#include "builder/deploy/heroku_release.h"
#include "builder/deploy/image_ref.h"
#include "builder/deploy/live_checks.h"
#include "builder/net/url.h"
#include "builder/oci/reference.h"
#include "builder/registry/pull.h"
#include "builder/registry/url.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 3);
  const std::string& ref = in[0];
  (void)oci::ValidateRefName(ref);
  absl::StatusOr<oci::RepoTag> repo_tag = oci::ParseRepoTag(ref);
  if (repo_tag.ok()) {
    // A parsed reference prints as one that parses to the same thing.
    absl::StatusOr<oci::RepoTag> again = oci::ParseRepoTag(repo_tag->ToString());
    if (!again.ok() || again->repository != repo_tag->repository || again->tag != repo_tag->tag) {
      fuzz::InvariantFailed("ParseRepoTag(ToString()) differs", ref);
    }
  }
  std::string scheme;
  absl::StatusOr<registry::RepositoryRef> repo = registry::ParseRepository(ref, &scheme);
  if (repo.ok()) (void)registry::IsLoopbackHost(repo->host);
  (void)registry::ValidateTag(ref);
  (void)registry::IsLoopbackHost(ref);
  (void)net::PercentEncode(ref);
  (void)net::RedactUrl(ref);
  (void)ValidateRepository(ref);
  (void)ValidateTag(ref);
  (void)ValidateSha256Digest(ref);
  (void)registry::ParsePlatform(ref);
  (void)ParseSiteUrl(ref);
  (void)ValidateApiUrl(ref);
  (void)ValidateAppName(ref);
  (void)ValidateProcessType(ref);
  absl::StatusOr<net::Url> request = net::ParseUrl(in[1], "request URL");
  if (request.ok()) {
    // What a server's Location header becomes: always an http(s) URL without user info.
    absl::StatusOr<net::Url> resolved = net::ResolveUrl(*request, in[2]);
    if (resolved.ok()) {
      if (resolved->origin.scheme != "http" && resolved->origin.scheme != "https") {
        fuzz::InvariantFailed("a Location resolved to another scheme", resolved->text);
      }
      (void)net::AddQueryParameter(resolved->text, "digest", in[0]);
      (void)net::IsLoopbackHost(resolved->origin.host);
    }
  }
  (void)net::AddQueryParameter(in[1], in[2], in[0]);
  return 0;
}
