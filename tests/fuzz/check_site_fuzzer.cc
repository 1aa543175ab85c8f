// `stowage check --url`: what the live checks conclude from a site's three responses (HTTPS,
// plain HTTP, a 404 probe). Each response is written as a status line, header lines and
// nothing else:
//   200
//   Strict-Transport-Security: max-age=31536000
//   Set-Cookie: sessionid=x; Secure; HttpOnly
// Input: the site URL, "@@@", the three responses separated by "@@@". An empty response stands
// for a transport failure. Findings must print and carry no control characters.
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "builder/deploy/live_checks.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/properties.h"

namespace {

absl::StatusOr<stowage::net::HttpResponse> ParseResponse(const std::string& text) {
  if (text.empty()) return absl::UnavailableError("connection refused");
  stowage::net::HttpResponse response;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!absl::SimpleAtoi(lines[0], &response.status)) response.status = 200;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<std::string, std::string> kv = absl::StrSplit(lines[i], absl::MaxSplits(':', 1));
    response.headers.emplace_back(absl::AsciiStrToLower(kv.first),
                                  std::string(absl::StripAsciiWhitespace(kv.second)));
  }
  return response;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 4);
  LiveCheckOptions options;
  options.url = in[0].empty() ? "http://127.0.0.1:8000/" : in[0];
  absl::StatusOr<SiteUrl> url = ParseSiteUrl(options.url);
  if (!url.ok()) options.url = "http://127.0.0.1:8000/";
  SiteObservations site;
  site.url = options.url;
  site.secure = ParseResponse(in[1]);
  site.insecure = ParseResponse(in[2]);
  site.not_found = ParseResponse(in[3]);
  site.insecure_is_separate_url = absl::StartsWith(options.url, "https://");
  fuzz::CheckFindings(AnalyzeSite(site, options));
  return 0;
}
