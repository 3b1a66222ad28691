#pragma once

#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Configuration: every option is an environment variable LIVEDROP_<KEY> and a flag --<key>
// (the flag wins). Declared once in a Spec, parsed once into an immutable Config; every
// problem (missing, malformed, out of range, unknown flag) is reported together.
namespace livedrop::config {

using Environment = std::map<std::string, std::string>;
Environment ProcessEnvironment();

class Config;

class Spec {
 public:
  Spec(std::string program, std::string summary);

  // key is kebab-case: "grpc-listen" → --grpc-listen, LIVEDROP_GRPC_LISTEN.
  // No default → required.
  Spec& String(std::string key, std::string help, std::optional<std::string> def = {});
  Spec& Secret(std::string key, std::string help, std::optional<std::string> def = {});
  Spec& Int(std::string key, std::string help, std::optional<long long> def = {},
            long long min = std::numeric_limits<long long>::min(),
            long long max = std::numeric_limits<long long>::max());
  Spec& Bool(std::string key, std::string help, std::optional<bool> def = {});
  // "250ms", "5s", "2m", "1h"
  Spec& Duration(std::string key, std::string help,
                 std::optional<std::chrono::milliseconds> def = {});
  Spec& Enum(std::string key, std::string help, std::vector<std::string> allowed,
             std::optional<std::string> def = {});

  // Throws livedrop::Error(kInvalidArgument, "config_invalid") listing every problem.
  // --help is not handled here (see ParseOrExit).
  Config Parse(const std::vector<std::string>& args, const Environment& env) const;
  std::string Usage() const;
  const std::string& program() const { return program_; }

  static std::string EnvName(const std::string& key);

 private:
  enum class Type { kString, kSecret, kInt, kBool, kDuration, kEnum };
  struct Option {
    std::string key;
    std::string help;
    Type type = Type::kString;
    std::optional<std::string> def;  // as text
    long long min = 0, max = 0;
    std::vector<std::string> allowed;
  };
  static Option MakeOption(std::string key, std::string help, Type type,
                           std::optional<std::string> def);
  Spec& Add(Option option);
  std::optional<std::string> Check(const Option& option, const std::string& value) const;

  std::string program_;
  std::string summary_;
  std::vector<Option> options_;
};

class Config {
 public:
  const std::string& GetString(const std::string& key) const;
  long long GetInt(const std::string& key) const;
  bool GetBool(const std::string& key) const;
  std::chrono::milliseconds GetDuration(const std::string& key) const;
  std::vector<std::string> GetList(const std::string& key) const;  // comma-separated

 private:
  friend class Spec;
  std::map<std::string, std::string> values_;
};

// For main(): parses argv and the process environment; prints usage and exits 0 on --help;
// prints "<program>: ..." with every problem and exits 2 on bad configuration.
Config ParseOrExit(const Spec& spec, int argc, char** argv);

// "host:port" → {host, port}; throws config_invalid when malformed.
std::pair<std::string, int> SplitHostPort(const std::string& address);

// Parses "250ms", "5s", "2m", "1h" (a bare number is milliseconds).
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);

}  // namespace livedrop::config
