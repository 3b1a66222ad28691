#include "scenario_flags.h"

#include "livedrop/config/config.h"
#include "run_plan.h"

namespace livedrop::loadgen {

void AddAccountFlags(config::Spec& spec, const std::string& run_id_help) {
  spec.Int("register-concurrency", "Registrations at once (Argon2id is slow and bounded)", 8, 1,
           256)
      .String("run-id", run_id_help, "default")
      .String("token-cache",
              "File keeping still-valid access tokens between runs (skips Argon2id); empty: off",
              "/tmp/livedrop-loadgen-tokens.txt")
      .Bool("json", "Print only the JSON result line on stdout (the report goes to stderr)", false);
}

AccountFlags ReadAccountFlags(const config::Config& cfg, std::vector<std::string>& problems) {
  AccountFlags f;
  f.register_concurrency = static_cast<int>(cfg.GetInt("register-concurrency"));
  f.run_id = cfg.GetString("run-id");
  if (!IsRunId(f.run_id)) {
    problems.push_back("--run-id: lower-case letters, digits, '-' and '_' only");
  }
  f.token_cache = cfg.GetString("token-cache");
  f.json_only = cfg.GetBool("json");
  return f;
}

double ReadShare(const config::Config& cfg, const std::string& key,
                 std::vector<std::string>& problems) {
  const auto v = ParseShare(cfg.GetString(key));
  if (!v) problems.push_back("--" + key + ": must be a number from 0 to 1");
  return v.value_or(0);
}

}  // namespace livedrop::loadgen
