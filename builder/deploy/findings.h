// Findings of `stowage check`: the rule catalog (ID, severity, fix) and the output formats.
#ifndef STOWAGE_BUILDER_DEPLOY_FINDINGS_H_
#define STOWAGE_BUILDER_DEPLOY_FINDINGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stowage {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

// "ERROR", "WARNING", "INFO".
const char* SeverityName(Severity severity);
absl::StatusOr<Severity> ParseSeverity(const std::string& name);

// One entry of the catalog: every finding names one of these.
struct CheckRule {
  const char* id;
  Severity severity;
  const char* title;
  const char* fix;
};

// Every rule, in ID order (docs/deploy.md lists the same table).
const std::vector<CheckRule>& CheckRules();
// The rule with `id`; the process aborts on an unknown ID (a programming error).
const CheckRule& RuleById(const std::string& id);

struct Finding {
  std::string id;
  Severity severity;
  std::string message;  // names what and where; never quotes a secret value; one printable line
  std::string fix;
};

// A finding of rule `id` with the catalog's severity and fix.
Finding MakeFinding(const std::string& id, std::string message);
// The same, with a severity different from the catalog's default (e.g. PORT is an error when
// a heroku.yml is checked, a warning for an image alone).
Finding MakeFinding(const std::string& id, Severity severity, std::string message);

// "ERROR STW001 <message> — fix: <fix>".
std::string FormatFinding(const Finding& finding);
nlohmann::json FindingsToJson(const std::vector<Finding>& findings);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_FINDINGS_H_
