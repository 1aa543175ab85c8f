// `stowage sbom`: an image's SBOM (CycloneDX 1.5 and/or SPDX 2.3 JSON) from the spec the
// oci_sbom rule writes. The outputs are committed together or not at all.
#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/output_path.h"
#include "builder/common/status_macros.h"
#include "builder/sbom/cyclonedx.h"
#include "builder/sbom/provenance.h"
#include "builder/sbom/sbom_spec.h"
#include "builder/sbom/spdx.h"

namespace stowage {
namespace sbom {
namespace {

absl::Status SbomMain(const std::vector<std::string>& args) {
  static const auto* defs = new std::vector<FlagDef>{
      PathFlag("spec", "FILE", "the SBOM spec (written by oci_sbom)"),
      PathFlag("cyclonedx", "FILE", "write a CycloneDX 1.5 JSON BOM here"),
      PathFlag("spdx", "FILE", "write an SPDX 2.3 JSON document here"),
  };
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, *defs));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", flags.positional()[0], "\" (stowage sbom --help)"));
  }
  ASSIGN_OR_RETURN(std::string spec, flags.Require("spec"));
  if (!flags.Has("cyclonedx") && !flags.Has("spdx")) {
    return absl::InvalidArgumentError("give --cyclonedx FILE and/or --spdx FILE");
  }
  std::vector<NamedPath> named;
  for (const char* flag : {"cyclonedx", "spdx"}) {
    if (flags.Has(flag)) named.push_back({absl::StrCat("--", flag), flags.Get(flag)});
  }
  RETURN_IF_ERROR(CheckOutputPaths(named, {{"--spec", spec}}));
  ASSIGN_OR_RETURN(Image image, ReadSbomSpec(spec));
  std::vector<std::pair<std::string, std::string>> outputs;
  if (flags.Has("cyclonedx")) {
    ASSIGN_OR_RETURN(std::string bytes, CycloneDxJson(image));
    outputs.emplace_back(flags.Get("cyclonedx"), std::move(bytes));
  }
  if (flags.Has("spdx")) {
    ASSIGN_OR_RETURN(std::string bytes, SpdxJson(image));
    outputs.emplace_back(flags.Get("spdx"), std::move(bytes));
  }
  std::vector<AtomicFile> files;
  files.reserve(outputs.size());  // CommitOutputs holds pointers into it
  for (const auto& [path, bytes] : outputs) {
    ASSIGN_OR_RETURN(AtomicFile f, AtomicFile::Create(path));
    RETURN_IF_ERROR(f.Write(bytes));
    files.push_back(std::move(f));
  }
  // Both documents or neither (before, the first was committed when the second could not be).
  std::vector<PendingOutput*> pending;
  for (AtomicFile& f : files) pending.push_back(&f);
  return CommitOutputs(pending);
}

absl::Status ProvenanceMain(const std::vector<std::string>& args) {
  static const auto* defs = new std::vector<FlagDef>{
      PathFlag("spec", "FILE", "the provenance spec (written by oci_provenance)"),
      PathFlag("output", "FILE", "where the SLSA v1 provenance predicate goes"),
  };
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, *defs));
  ASSIGN_OR_RETURN(std::string spec, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string output, flags.Require("output"));
  RETURN_IF_ERROR(CheckOutputPaths({{"--output", output}}, {{"--spec", spec}}));
  ASSIGN_OR_RETURN(std::string predicate, ProvenanceFromSpec(spec));
  return WriteFileAtomically(output, predicate);
}

}  // namespace

STOWAGE_REGISTER_COMMAND("provenance",
                         "an image's SLSA v1 provenance predicate from what the build knows",
                         ProvenanceMain);

STOWAGE_REGISTER_COMMAND("sbom",
                         "an image's SBOM (CycloneDX 1.5, SPDX 2.3) from what the build knows",
                         SbomMain);

}  // namespace sbom
}  // namespace stowage
