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
// problem (missing, malformed, out of range, unknown flag) is reported together, each naming
// both the flag and the environment variable.
namespace livedrop::config {

using Environment = std::map<std::string, std::string>;
Environment ProcessEnvironment();

enum class OptionType { kString, kSecret, kInt, kBool, kDuration, kEnum, kHostPort };

class Config;

class Spec {
 public:
  Spec(std::string program, std::string summary);

  // key is kebab-case: "grpc-listen" → --grpc-listen, LIVEDROP_GRPC_LISTEN.
  // No default → required (and must not be empty).
  // Declaring a key twice, a malformed key, or a default that would itself be rejected is a
  // programming error: Error(kInternal, "config_bad_spec") right away.
  Spec& String(std::string key, std::string help, std::optional<std::string> def = {});
  // Like String, but the value never appears in --help, error messages or Summary().
  Spec& Secret(std::string key, std::string help, std::optional<std::string> def = {});
  Spec& Int(std::string key, std::string help, std::optional<long long> def = {},
            long long min = std::numeric_limits<long long>::min(),
            long long max = std::numeric_limits<long long>::max());
  // true|false (also 1|0, yes|no, on|off); a bare --key means true.
  Spec& Bool(std::string key, std::string help, std::optional<bool> def = {});
  // "250ms", "5s", "2m", "1h" (a unit is required except for "0").
  Spec& Duration(std::string key, std::string help,
                 std::optional<std::chrono::milliseconds> def = {});
  Spec& Enum(std::string key, std::string help, std::vector<std::string> allowed,
             std::optional<std::string> def = {});
  // "host:port" or "[v6]:port", checked at start-up rather than at bind time.
  Spec& HostPort(std::string key, std::string help, std::optional<std::string> def = {});

  // Throws Error(kInvalidArgument, "config_invalid") whose message lists every problem, one
  // per line. --help is not handled here (see ParseOrExit).
  Config Parse(const std::vector<std::string>& args, const Environment& env) const;
  // argv[0] is the program and is skipped.
  Config Parse(int argc, char** argv, const Environment& env = ProcessEnvironment()) const;

  // Every option with its flag, environment variable, default (or "required") and help.
  std::string Usage() const;
  const std::string& program() const { return program_; }

  static std::string EnvName(const std::string& key);

 private:
  struct Option {
    std::string key;
    std::string help;
    OptionType type = OptionType::kString;
    std::optional<std::string> def;  // as text
    long long min = 0, max = 0;
    std::vector<std::string> allowed;
  };
  static Option MakeOption(std::string key, std::string help, OptionType type,
                           std::optional<std::string> def);
  Spec& Add(Option option);
  const Option* Find(const std::string& key) const;

  std::string program_;
  std::string summary_;
  std::vector<Option> options_;
};

// The parsed values. Getters throw Error(kInternal, "config_undeclared") for a key the Spec
// never declared and Error(kInternal, "config_wrong_type") for a getter that does not match
// the declared type; GetString works for every type (the value as given).
class Config {
 public:
  const std::string& GetString(const std::string& key) const;
  long long GetInt(const std::string& key) const;
  bool GetBool(const std::string& key) const;
  std::chrono::milliseconds GetDuration(const std::string& key) const;
  // Comma-separated, items trimmed, empty items dropped.
  std::vector<std::string> GetList(const std::string& key) const;

  // "key=value key=value ..." in declaration order with secrets shown as <hidden>: what a
  // service logs at start-up so an operator sees the configuration it actually runs with.
  std::string Summary() const;

 private:
  friend class Spec;
  struct Value {
    OptionType type = OptionType::kString;
    std::string text;
    long long number = 0;
    std::chrono::milliseconds duration{0};
    bool flag = false;
  };
  const Value& Get(const std::string& key, OptionType wanted) const;

  std::map<std::string, Value> values_;
  std::vector<std::string> order_;
};

// For main(): parses argv and the process environment. On --help or -h prints Usage() to
// stdout and exits 0; on bad configuration prints "<program>: error: <problem>" to stderr for
// every problem and exits 2.
Config ParseOrExit(const Spec& spec, int argc, char** argv);

// "host:port" → {host, port}; throws config_invalid when malformed.
std::pair<std::string, int> SplitHostPort(const std::string& address);

// Parses "250ms", "5s", "2m", "1h" (or "0"); nullopt when malformed or too large.
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);
// The shortest exact form ParseDuration reads back: 10000ms → "10s", 90000ms → "90s".
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace livedrop::config
