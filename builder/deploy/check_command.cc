// `stowage check`: static checks of an image and its deploy manifests, and live checks of a
// running site. Prints one line per finding ("ERROR STW001 ... — fix: ...") or --json; fails
// when a finding at or above --fail-on (default error) is present.
#include <algorithm>
#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/common/capped_read.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/deploy/findings.h"
#include "builder/deploy/live_checks.h"
#include "builder/deploy/static_checks.h"
#include "builder/net/deadline.h"
#include "builder/net/http.h"

namespace stowage {
namespace {

const std::vector<FlagDef> kFlags = {
    PathFlag("config", "FILE", "an image config JSON to check"),
    PathFlag("manifest", "FILE", "the image's manifest JSON to check"),
    PathFlag("heroku-yml", "FILE", "a heroku.yml to check (implies the Heroku checks)"),
    PathFlag("compose", "FILE", "a Compose file to check (repeated)"),
    SwitchFlag("production", "treat the image as production whatever its Env says"),
    ValueFlag("platform", "heroku",
              "run the Heroku-only checks (EXPOSE, HEALTHCHECK, media types)"),
    ValueFlag("url", "URL", "a running site to check live (HSTS, redirects, cookies, headers)"),
    ValueFlag("timeout-ms", "MS", "timeout of each live request, 100 to 120000 (default 10000)"),
    ValueFlag("timeout", "DURATION",
              "all live requests together end within this (default: 3 x --timeout-ms)"),
    ValueFlag("csrf-cookie-name", "NAME", "the CSRF cookie's name (default csrftoken)"),
    SwitchFlag("json", "print findings as JSON"),
    ValueFlag("fail-on", "error|warning|info|never",
              "lowest severity that fails the check (default error)"),
    ValueFlag("allow", "ID", "a finding ID that is reported but never fails (repeated)"),
    ValueFlag("expect", "ID", "a finding ID that must be reported (repeated)"),
    SwitchFlag("list-rules", "print every check's ID, severity, title and fix, then exit"),
};

void PrintRules() {
  for (const CheckRule& rule : CheckRules()) {
    std::printf("%s %-7s %s \xE2\x80\x94 fix: %s\n", rule.id, SeverityName(rule.severity),
                rule.title, rule.fix);
  }
}

absl::Status CheckMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError("stowage check takes no arguments (stowage check --help)");
  }
  if (flags.Has("list-rules")) {
    PrintRules();
    return absl::OkStatus();
  }
  std::string platform = flags.Get("platform", "");
  if (!platform.empty() && platform != "heroku") {
    return absl::InvalidArgumentError("--platform must be heroku (or absent)");
  }
  StaticCheckOptions options;
  options.production = flags.Has("production");
  options.heroku = platform == "heroku" || flags.Has("heroku-yml");

  std::string fail_on = flags.Get("fail-on", "error");
  Severity threshold = Severity::kError;
  if (fail_on != "never") {
    ASSIGN_OR_RETURN(threshold, ParseSeverity(fail_on));
  }
  std::set<std::string> allowed;
  for (const std::string& id : flags.GetAll("allow")) allowed.insert(id);
  std::set<std::string> expected;
  for (const std::string& id : flags.GetAll("expect")) expected.insert(id);
  for (const std::set<std::string>* ids : {&allowed, &expected}) {
    for (const std::string& id : *ids) {
      const auto& rules = CheckRules();
      if (std::none_of(rules.begin(), rules.end(),
                       [&](const CheckRule& r) { return id == r.id; })) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown check ID ", id, " (see --list-rules)"));
      }
    }
  }

  bool anything = false;
  std::vector<Finding> findings;
  auto add = [&](const std::vector<Finding>& more) {
    findings.insert(findings.end(), more.begin(), more.end());
  };
  nlohmann::json image_config;  // null when not given
  if (flags.Has("config")) {
    anything = true;
    ASSIGN_OR_RETURN(image_config, ReadJsonFile(flags.Get("config")));
    add(CheckImageConfig(image_config, options));
  }
  if (flags.Has("manifest")) {
    anything = true;
    ASSIGN_OR_RETURN(nlohmann::json manifest, ReadJsonFile(flags.Get("manifest")));
    add(CheckImageManifest(manifest, options));
  }
  if (flags.Has("heroku-yml")) {
    anything = true;
    std::string path = flags.Get("heroku-yml");
    ASSIGN_OR_RETURN(std::string text, ReadFileCapped(path, limits::kMaxSpecBytes));
    ASSIGN_OR_RETURN(std::vector<Finding> more, CheckHerokuYml(text, image_config, path));
    // With a heroku.yml, its run.web decides STW006, not the image's command alone.
    findings.erase(std::remove_if(findings.begin(), findings.end(),
                                  [](const Finding& f) { return f.id == "STW006"; }),
                   findings.end());
    add(more);
  }
  for (const std::string& path : flags.GetAll("compose")) {
    anything = true;
    ASSIGN_OR_RETURN(std::string text, ReadFileCapped(path, limits::kMaxSpecBytes));
    ASSIGN_OR_RETURN(std::vector<Finding> more, CheckComposeFile(text, path));
    add(more);
  }
  if (flags.Has("url")) {
    anything = true;
    LiveCheckOptions live;
    live.url = flags.Get("url");
    ASSIGN_OR_RETURN(long long timeout, flags.GetInt("timeout-ms", 10000));
    if (timeout < 100 || timeout > 120000) {
      return absl::InvalidArgumentError("--timeout-ms must be between 100 and 120000");
    }
    live.timeout_ms = timeout;
    live.csrf_cookie_name = flags.Get("csrf-cookie-name", "csrftoken");
    RETURN_IF_ERROR(ParseSiteUrl(live.url).status());
    // All three requests together end by --timeout (default: three times one request's).
    absl::Duration budget = absl::Milliseconds(3 * timeout);
    if (flags.Has("timeout")) {
      ASSIGN_OR_RETURN(budget, net::ParseTimeout(flags.Get("timeout"), "--timeout"));
    }
    net::Deadline deadline(budget, absl::StrCat("--timeout ", net::ShortDuration(budget)),
                           /*extendable=*/false);
    net::TransportOptions transport;
    // The checker sends no credentials and must see the site's plain-HTTP answer itself.
    transport.plain_http = net::PlainHttp::kAnyHost;
    transport.connect_timeout = absl::Milliseconds(std::min<long long>(timeout, 5000));
    transport.stall_timeout = absl::Milliseconds(std::max<long long>(timeout, 1000));
    transport.deadline = &deadline;
    net::CurlHttpClient http(transport);
    add(AnalyzeSite(ObserveSite(http, live), live));
  }
  if (!anything) {
    return absl::InvalidArgumentError(
        "nothing to check: give --config, --manifest, --heroku-yml, --compose or --url "
        "(stowage check --help)");
  }

  int failing = 0;
  std::set<std::string> seen;
  for (const Finding& f : findings) {
    seen.insert(f.id);
    bool waived = allowed.count(f.id) || expected.count(f.id);
    if (fail_on != "never" && f.severity >= threshold && !waived) ++failing;
  }
  if (flags.Has("json")) {
    nlohmann::json out = {{"findings", FindingsToJson(findings)}, {"failing", failing}};
    // Findings quote server text, which need not be UTF-8: shown, never a reason to abort.
    std::printf("%s\n", JsonForDisplay(out, 2).c_str());
  } else {
    for (const Finding& f : findings) {
      bool waived = allowed.count(f.id) || expected.count(f.id);
      std::printf("%s%s\n", FormatFinding(f).c_str(), waived ? " (allowed)" : "");
    }
    if (findings.empty()) std::printf("stowage check: no findings\n");
  }
  std::fflush(stdout);
  for (const std::string& id : expected) {
    if (!seen.count(id)) {
      return absl::FailedPreconditionError(
          absl::StrCat("expected finding ", id, " was not reported"));
    }
  }
  if (failing > 0) {
    return absl::FailedPreconditionError(absl::StrCat(failing, " finding(s) at or above ", fail_on,
                                                      " (fix them, or --allow ID if accepted)"));
  }
  return absl::OkStatus();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("check", "check an image, its deploy manifests and a running site",
                         CheckMain);

}  // namespace stowage
