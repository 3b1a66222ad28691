#pragma once

#include <string>
#include <vector>

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::loadgen {

// The flags every scenario shares: whose accounts it uses and how it prints its report.
struct AccountFlags {
  int register_concurrency = 8;
  std::string run_id, token_cache;
  bool json_only = false;
};

// Adds --register-concurrency, --run-id (its help says how this scenario names its accounts),
// --token-cache and --json to `spec`.
void AddAccountFlags(config::Spec& spec, const std::string& run_id_help);
// Reads them back; a --run-id that cannot be part of an email is added to `problems`.
AccountFlags ReadAccountFlags(const config::Config& cfg, std::vector<std::string>& problems);

// A share flag (--decline-share and the like: a number from 0 to 1); one that is not is added
// to `problems` and reads as 0.
double ReadShare(const config::Config& cfg, const std::string& key,
                 std::vector<std::string>& problems);

}  // namespace livedrop::loadgen
