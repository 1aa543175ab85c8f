// `stowage verify`: checks an image's signatures and attestations against a public key.
// Exit 0 only with at least one valid signature of this image by the key and every
// --require-attestation type present with a valid signature.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/output_path.h"
#include "builder/common/status_macros.h"
#include "builder/registry/client_flags.h"
#include "builder/sign/attach.h"
#include "builder/sign/image_flags.h"
#include "builder/sign/sign_flags.h"
#include "builder/sign/verify.h"

namespace stowage {
namespace sign {
namespace {

std::vector<FlagDef> VerifyFlags() {
  std::vector<FlagDef> defs = ImageFlags();
  defs.push_back(PathFlag("public-key", "FILE", "the signer's ECDSA P-256 public key (PEM)"));
  defs.push_back(ValueFlag("require-attestation", "TYPE",
                           "fail unless a valid attestation of TYPE is attached (repeated)"));
  defs.push_back(ValueFlag("write-predicate", "TYPE=FILE",
                           "write the verified predicate of TYPE to FILE (repeated)"));
  return registry::WithClientFlags(defs);
}

absl::Status VerifyMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, VerifyFlags()));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", flags.positional()[0],
                                                   "\" (stowage verify --help)"));
  }
  ASSIGN_OR_RETURN(ImageTarget target, ImageTargetFromFlags(flags));
  ASSIGN_OR_RETURN(std::string key_path, flags.Require("public-key"));
  ASSIGN_OR_RETURN(PublicKey key, LoadPublicKey(key_path));
  std::vector<std::string> required;
  for (const std::string& t : flags.GetAll("require-attestation")) {
    ASSIGN_OR_RETURN(std::string uri, PredicateTypeUri(t));
    required.push_back(uri);
  }
  std::vector<std::pair<std::string, std::string>> writes;
  for (const std::string& w : flags.GetAll("write-predicate")) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == w.size()) {
      return absl::InvalidArgumentError("--write-predicate wants TYPE=FILE");
    }
    ASSIGN_OR_RETURN(std::string uri, PredicateTypeUri(w.substr(0, eq)));
    writes.emplace_back(uri, ResolveUserPath(w.substr(eq + 1)));
  }
  // Every output is checked before the registry is asked anything: two flags naming one file,
  // the key itself, a symlink or a device are refused at once.
  std::vector<NamedPath> outputs;
  for (const auto& [type, path] : writes) outputs.push_back({"--write-predicate", path});
  RETURN_IF_ERROR(CheckOutputPaths(outputs, {{"--public-key", key_path}}));

  ASSIGN_OR_RETURN(registry::ClientOptions options,
                   registry::ClientOptionsFromFlags(flags, target.scheme));
  ASSIGN_OR_RETURN(std::unique_ptr<registry::RegistryClient> client,
                   ClientFor(target.repository, options));
  RETURN_IF_ERROR(client->Ping());
  ASSIGN_OR_RETURN(Descriptor subject,
                   ResolveSubject(*client, target.repository, target.reference));
  ASSIGN_OR_RETURN(VerifyReport report, VerifyImage(*client, target.repository, subject, key));

  std::string image = absl::StrCat(target.repository.ToString(), "@", subject.digest);
  for (const std::string& p : report.problems) std::printf("not valid: %s\n", p.c_str());
  for (const VerifiedAttestation& a : report.attestations) {
    std::printf("attestation %s: valid (%s)\n", a.predicate_type.c_str(), a.where.c_str());
  }
  std::printf("%s: %d valid signature(s) in tag %s, %d in referrers, %d not valid\n", image.c_str(),
              report.signatures_in_tag, SignatureTag(subject.digest).c_str(),
              report.signatures_in_referrers, report.invalid);
  std::fflush(stdout);
  if (report.signatures_in_tag + report.signatures_in_referrers == 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(image, " has no valid signature by the key in ", key_path));
  }
  for (const std::string& type : required) {
    bool found = false;
    for (const VerifiedAttestation& a : report.attestations)
      found = found || a.predicate_type == type;
    if (!found) {
      return absl::PermissionDeniedError(
          absl::StrCat(image, " has no valid attestation of type ", type));
    }
  }
  // Every predicate or none: all are found and staged before the first is moved into place.
  std::vector<AtomicFile> files;
  files.reserve(writes.size());  // `pending` points into it
  std::vector<PendingOutput*> pending;
  for (const auto& [type, path] : writes) {
    const VerifiedAttestation* chosen = nullptr;
    for (const VerifiedAttestation& a : report.attestations) {
      if (a.predicate_type == type) chosen = &a;
    }
    if (chosen == nullptr) {
      return absl::NotFoundError(absl::StrCat(image, " has no valid attestation of type ", type));
    }
    ASSIGN_OR_RETURN(std::string text, CanonicalJson(chosen->predicate, path));
    ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
    RETURN_IF_ERROR(file.Write(text));
    files.push_back(std::move(file));
    pending.push_back(&files.back());
  }
  RETURN_IF_ERROR(CommitOutputs(pending));
  std::printf("verified %s\n", image.c_str());
  return absl::OkStatus();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("verify", "check an image's signatures and attestations against a key",
                         VerifyMain);

}  // namespace sign
}  // namespace stowage
