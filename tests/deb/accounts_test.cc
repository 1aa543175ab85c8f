// The accounts deb_layer's `users` declares: parsed from the spec (every field checked) and
// merged after base-passwd's masters, refusing names, uids and group names already taken.
#include "builder/deb/accounts.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace {

using nlohmann::json;

const char kPasswd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
const char kGroup[] = "root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n";

absl::StatusOr<std::vector<Account>> Parse(const json& users) {
  JsonView root(users, "spec");
  auto list = root.AsArray();
  if (!list.ok()) return list.status();
  return ParseAccounts(*list);
}

absl::StatusOr<AccountFiles> Merge(const json& users) {
  auto accounts = Parse(users);
  if (!accounts.ok()) return accounts.status();
  return MergeAccounts(kPasswd, kGroup, *accounts, "base-passwd's");
}

TEST(AccountsTest, DefaultsAndOrder) {
  auto files = Merge(json::parse(R"([
      {"name": "django", "uid": 10001, "home": "/home/django"},
      {"name": "worker", "uid": 10002, "gid": 10001, "shell": "/bin/sh", "gecos": "Queue worker"},
      {"name": "backup", "uid": 10003, "gid": 10100, "group": "archive"}])"));
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->passwd, std::string(kPasswd) +
                               "django:*:10001:10001::/home/django:/usr/sbin/nologin\n"
                               "worker:*:10002:10001:Queue worker:/nonexistent:/bin/sh\n"
                               "backup:*:10003:10100::/nonexistent:/usr/sbin/nologin\n");
  // worker joins django's group (its gid exists by then); backup's group gets its own name.
  EXPECT_EQ(files->group, std::string(kGroup) + "django:*:10001:\narchive:*:10100:\n");
  auto accounts = Parse(json::parse(R"([{"name": "a", "uid": 5, "home": "/srv//a/"}])"));
  ASSERT_TRUE(accounts.ok());
  EXPECT_EQ((*accounts)[0].home, "srv/a");
  EXPECT_TRUE(HasHomeDirectory((*accounts)[0]));
  accounts = Parse(json::parse(R"([{"name": "b", "uid": 6}])"));
  ASSERT_TRUE(accounts.ok());
  EXPECT_FALSE(HasHomeDirectory((*accounts)[0]));
}

TEST(AccountsTest, JoinsAGroupOfTheMasters) {
  auto files = Merge(json::parse(R"([{"name": "svc", "uid": 900, "gid": 65534}])"));
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->group, kGroup);  // nogroup already has 65534: no new line
}

TEST(AccountsTest, MastersWithoutFinalNewline) {
  auto accounts = Parse(json::parse(R"([{"name": "app", "uid": 10001}])"));
  ASSERT_TRUE(accounts.ok());
  auto files = MergeAccounts("root:x:0:0::/root:/bin/sh", "root:x:0:", *accounts, "m");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->passwd,
            "root:x:0:0::/root:/bin/sh\napp:*:10001:10001::/nonexistent:/usr/sbin/nologin\n");
  EXPECT_EQ(files->group, "root:x:0:\napp:*:10001:\n");
}

TEST(AccountsTest, ClashesAreRefused) {
  for (const char* users : {
           R"([{"name": "root", "uid": 10001}])",                            // name of the masters
           R"([{"name": "app", "uid": 1}])",                                 // uid of the masters
           R"([{"name": "a", "uid": 10001}, {"name": "a", "uid": 10002}])",  // twice
           R"([{"name": "a", "uid": 10001}, {"name": "b", "uid": 10001}])",  // uid twice
           R"([{"name": "app", "uid": 10001, "group": "daemon"}])",  // group name, other gid
       }) {
    EXPECT_FALSE(Merge(json::parse(users)).ok()) << users;
  }
}

TEST(AccountsTest, BadFieldsAreRefused) {
  for (const char* users : {
           R"([{"uid": 10001}])",
           R"([{"name": "app"}])",
           R"([{"name": "App", "uid": 10001}])",
           R"([{"name": "9app", "uid": 10001}])",
           R"([{"name": "a:b", "uid": 10001}])",
           R"([{"name": "abcdefghijklmnopqrstuvwxyzabcdefg", "uid": 10001}])",
           R"([{"name": "app", "uid": 0}])",
           R"([{"name": "app", "uid": -5}])",
           R"([{"name": "app", "uid": 65535}])",
           R"([{"name": "app", "uid": 4294967296}])",
           R"([{"name": "app", "uid": "10001"}])",
           R"([{"name": "app", "uid": 10001, "gid": 0}])",
           R"([{"name": "app", "uid": 10001, "group": "Bad"}])",
           R"([{"name": "app", "uid": 10001, "home": "relative"}])",
           R"([{"name": "app", "uid": 10001, "home": "/"}])",
           R"([{"name": "app", "uid": 10001, "home": "/../.."}])",
           R"([{"name": "app", "uid": 10001, "home": "/a:b"}])",
           R"([{"name": "app", "uid": 10001, "shell": "sh"}])",
           R"([{"name": "app", "uid": 10001, "shell": "/bin/sh\nevil:x:0:0::/:/bin/sh"}])",
           R"([{"name": "app", "uid": 10001, "gecos": "a:b"}])",
           R"([{"name": "app", "uid": 10001, "password": "x"}])",
           R"(["app"])",
       }) {
    EXPECT_FALSE(Parse(json::parse(users)).ok()) << users;
  }
  json many = json::array();
  for (int i = 0; i < 1001; ++i)
    many.push_back({{"name", "u" + std::to_string(i)}, {"uid", 20000 + i}});
  EXPECT_FALSE(Parse(many).ok());
}

TEST(AccountsTest, MalformedMastersAreRefused) {
  std::vector<Account> none;
  EXPECT_FALSE(MergeAccounts("root:x:0:0\n", kGroup, none, "m").ok());
  EXPECT_FALSE(MergeAccounts(kPasswd, "root:x:zero:\n", none, "m").ok());
  EXPECT_FALSE(MergeAccounts(kPasswd, ":x:0:\n", none, "m").ok());
}

}  // namespace
}  // namespace stowage
