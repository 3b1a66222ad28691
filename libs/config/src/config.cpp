#include "livedrop/config/config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "livedrop/core/error.h"

extern char** environ;

namespace livedrop::config {
namespace {

using std::chrono::milliseconds;

constexpr char kHidden[] = "<hidden>";

std::optional<long long> ParseInt(const std::string& text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  return std::nullopt;
}

bool IsKebabKey(const std::string& key) {
  if (key.empty() || key.front() == '-' || key.back() == '-') return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && key[i - 1] != '-');
    if (!ok) return false;
  }
  return true;
}

std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

Error ConfigError(const std::string& message) {
  return Error(ErrorKind::kInvalidArgument, "config_invalid", message);
}

Error SpecError(const std::string& message) {
  return Error(ErrorKind::kInternal, "config_bad_spec", message);
}

std::string Placeholder(OptionType type, const std::vector<std::string>& allowed) {
  switch (type) {
    case OptionType::kString:
      return "TEXT";
    case OptionType::kSecret:
      return "SECRET";
    case OptionType::kInt:
      return "N";
    case OptionType::kBool:
      return "true|false";
    case OptionType::kDuration:
      return "DURATION";
    case OptionType::kEnum:
      return Join(allowed, "|");
    case OptionType::kHostPort:
      return "HOST:PORT";
  }
  return "VALUE";
}

std::string TypeName(OptionType type) {
  switch (type) {
    case OptionType::kString:
      return "string";
    case OptionType::kSecret:
      return "secret";
    case OptionType::kInt:
      return "int";
    case OptionType::kBool:
      return "bool";
    case OptionType::kDuration:
      return "duration";
    case OptionType::kEnum:
      return "enum";
    case OptionType::kHostPort:
      return "host:port";
  }
  return "?";
}

}  // namespace

Environment ProcessEnvironment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::optional<milliseconds> ParseDuration(const std::string& text) {
  if (text == "0") return milliseconds(0);
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  const auto number = ParseInt(text.substr(0, digits));
  if (!number) return std::nullopt;
  const std::string unit = text.substr(digits);
  long long factor = 0;
  if (unit == "ms") {
    factor = 1;
  } else if (unit == "s") {
    factor = 1000;
  } else if (unit == "m") {
    factor = 60 * 1000;
  } else if (unit == "h") {
    factor = 60 * 60 * 1000;
  } else {
    return std::nullopt;
  }
  if (*number > std::numeric_limits<long long>::max() / factor) return std::nullopt;
  return milliseconds(*number * factor);
}

std::string FormatDuration(milliseconds duration) {
  const long long ms = duration.count();
  if (ms == 0) return "0";
  if (ms % (60 * 60 * 1000) == 0) return std::to_string(ms / (60 * 60 * 1000)) + "h";
  if (ms % (60 * 1000) == 0) return std::to_string(ms / (60 * 1000)) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::pair<std::string, int> SplitHostPort(const std::string& address) {
  const auto colon = address.rfind(':');
  const auto port = colon == std::string::npos ? std::nullopt : ParseInt(address.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535 || colon == 0) {
    throw ConfigError("'" + address + "' is not host:port");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {host, static_cast<int>(*port)};
}

// ---- Spec ------------------------------------------------------------------------------

Spec::Spec(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

std::string Spec::EnvName(const std::string& key) {
  std::string name = "LIVEDROP_";
  for (const char c : key) {
    name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

namespace {

// Why `value` is not acceptable for an option of this shape, or nullopt when it is.
std::optional<std::string> Problem(OptionType type, const std::string& value, long long min,
                                   long long max, const std::vector<std::string>& allowed) {
  switch (type) {
    case OptionType::kString:
    case OptionType::kSecret:
      return std::nullopt;
    case OptionType::kInt: {
      const auto v = ParseInt(value);
      if (!v) return "must be an integer";
      if (*v < min || *v > max) {
        return "must be between " + std::to_string(min) + " and " + std::to_string(max);
      }
      return std::nullopt;
    }
    case OptionType::kBool:
      if (!ParseBool(value)) return "must be true or false";
      return std::nullopt;
    case OptionType::kDuration:
      if (!ParseDuration(value)) return "must be a duration such as 250ms, 5s, 2m or 1h";
      return std::nullopt;
    case OptionType::kEnum:
      if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        return "must be one of " + Join(allowed, "|");
      }
      return std::nullopt;
    case OptionType::kHostPort:
      try {
        SplitHostPort(value);
      } catch (const Error&) {
        return "must be host:port, e.g. 127.0.0.1:7001";
      }
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Spec::Option Spec::MakeOption(std::string key, std::string help, OptionType type,
                              std::optional<std::string> def) {
  Option o;
  o.key = std::move(key);
  o.help = std::move(help);
  o.type = type;
  o.def = std::move(def);
  return o;
}

const Spec::Option* Spec::Find(const std::string& key) const {
  const auto it =
      std::find_if(options_.begin(), options_.end(), [&](const Option& o) { return o.key == key; });
  return it == options_.end() ? nullptr : &*it;
}

Spec& Spec::Add(Option option) {
  if (!IsKebabKey(option.key) || option.key == "help") {
    throw SpecError(program_ + ": option key '" + option.key +
                    "' must be kebab-case (a-z, 0-9, single dashes) and not 'help'");
  }
  if (Find(option.key) != nullptr) {
    throw SpecError(program_ + ": option --" + option.key + " is declared twice");
  }
  if (option.def) {
    if (const auto p = Problem(option.type, *option.def, option.min, option.max, option.allowed)) {
      throw SpecError(program_ + ": the default of --" + option.key + " " + *p);
    }
  }
  options_.push_back(std::move(option));
  return *this;
}

Spec& Spec::String(std::string key, std::string help, std::optional<std::string> def) {
  return Add(MakeOption(std::move(key), std::move(help), OptionType::kString, std::move(def)));
}

Spec& Spec::Secret(std::string key, std::string help, std::optional<std::string> def) {
  return Add(MakeOption(std::move(key), std::move(help), OptionType::kSecret, std::move(def)));
}

Spec& Spec::Int(std::string key, std::string help, std::optional<long long> def, long long min,
                long long max) {
  Option o = MakeOption(std::move(key), std::move(help), OptionType::kInt,
                        def ? std::optional<std::string>(std::to_string(*def)) : std::nullopt);
  o.min = min;
  o.max = max;
  return Add(std::move(o));
}

Spec& Spec::Bool(std::string key, std::string help, std::optional<bool> def) {
  return Add(MakeOption(std::move(key), std::move(help), OptionType::kBool,
                        def ? std::optional<std::string>(*def ? "true" : "false") : std::nullopt));
}

Spec& Spec::Duration(std::string key, std::string help, std::optional<milliseconds> def) {
  if (def && def->count() < 0) {
    throw SpecError(program_ + ": the default of --" + key + " is negative");
  }
  return Add(MakeOption(std::move(key), std::move(help), OptionType::kDuration,
                        def ? std::optional<std::string>(FormatDuration(*def)) : std::nullopt));
}

Spec& Spec::Enum(std::string key, std::string help, std::vector<std::string> allowed,
                 std::optional<std::string> def) {
  Option o = MakeOption(std::move(key), std::move(help), OptionType::kEnum, std::move(def));
  o.allowed = std::move(allowed);
  return Add(std::move(o));
}

Spec& Spec::HostPort(std::string key, std::string help, std::optional<std::string> def) {
  return Add(MakeOption(std::move(key), std::move(help), OptionType::kHostPort, std::move(def)));
}

Config Spec::Parse(int argc, char** argv, const Environment& env) const {
  return Parse(
      argc > 1 ? std::vector<std::string>(argv + 1, argv + argc) : std::vector<std::string>{}, env);
}

Config Spec::Parse(const std::vector<std::string>& args, const Environment& env) const {
  std::vector<std::string> problems;
  std::map<std::string, std::string> flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      problems.push_back("unexpected argument '" + arg + "' (options are --key=value)");
      continue;
    }
    std::string key = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    }
    const Option* option = Find(key);
    if (option == nullptr) {
      std::string problem = "unknown flag --" + key;
      const Option* closest = nullptr;
      std::size_t best = 3;  // suggest only near misses
      for (const auto& o : options_) {
        if (const auto d = EditDistance(key, o.key); d < best) {
          best = d;
          closest = &o;
        }
      }
      if (closest != nullptr) problem += " (did you mean --" + closest->key + "?)";
      problems.push_back(problem);
      continue;
    }
    if (!value) {
      const bool next_is_flag = i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0;
      if (option->type == OptionType::kBool && (next_is_flag || !ParseBool(args[i + 1]))) {
        value = "true";
      } else if (!next_is_flag) {
        value = args[++i];
      } else {
        problems.push_back("--" + key + " needs a value (--" + key + "=VALUE or --" + key +
                           " VALUE)");
        continue;
      }
    }
    flags[key] = *value;
  }

  Config config;
  for (const auto& o : options_) {
    const std::string flag = "--" + o.key;
    const std::string env_name = EnvName(o.key);
    std::optional<std::string> value;
    std::string source;
    if (const auto f = flags.find(o.key); f != flags.end()) {
      value = f->second;
      source = "flag";
    } else if (const auto e = env.find(env_name); e != env.end()) {
      value = e->second;
      source = "env";
    } else {
      value = o.def;
      source = "default";
    }
    if (!value) {
      problems.push_back("missing " + flag + " (or " + env_name + "): " + o.help);
      continue;
    }
    std::optional<std::string> problem;
    if (!o.def && value->empty()) {
      problem = "must not be empty";
    } else {
      problem = Problem(o.type, *value, o.min, o.max, o.allowed);
    }
    if (problem) {
      const std::string shown = o.type == OptionType::kSecret ? kHidden : "'" + *value + "'";
      problems.push_back(source == "flag"
                             ? flag + "=" + shown + " (env " + env_name + "): " + *problem
                             : env_name + "=" + shown + " (flag " + flag + "): " + *problem);
      continue;
    }
    Config::Value v;
    v.type = o.type;
    v.text = *value;
    if (o.type == OptionType::kInt) v.number = *ParseInt(*value);
    if (o.type == OptionType::kBool) v.flag = *ParseBool(*value);
    if (o.type == OptionType::kDuration) v.duration = *ParseDuration(*value);
    config.values_.emplace(o.key, std::move(v));
    config.order_.push_back(o.key);
  }
  if (!problems.empty()) throw ConfigError(Join(problems, "\n"));
  return config;
}

std::string Spec::Usage() const {
  std::ostringstream out;
  out << "Usage: " << program_ << " [--key=value ...]\n"
      << summary_ << "\n\n"
      << "Every option can also be set by its environment variable; a flag wins.\n"
      << "Durations take a unit: 250ms, 5s, 2m, 1h.\n\nOptions:\n";
  for (const auto& o : options_) {
    out << "  --" << o.key << "=" << Placeholder(o.type, o.allowed) << "  (env " << EnvName(o.key)
        << ")\n      " << o.help;
    if (o.type == OptionType::kInt && (o.min != std::numeric_limits<long long>::min() ||
                                       o.max != std::numeric_limits<long long>::max())) {
      out << "; " << o.min << ".." << o.max;
    }
    if (!o.def) {
      out << " (required)";
    } else if (o.type == OptionType::kSecret) {
      out << " (default: " << kHidden << ")";
    } else {
      out << " (default: " << (o.def->empty() ? "\"\"" : *o.def) << ")";
    }
    out << "\n";
  }
  out << "  --help\n      Print this help and exit.\n";
  return out.str();
}

// ---- Config ----------------------------------------------------------------------------

const Config::Value& Config::Get(const std::string& key, OptionType wanted) const {
  const auto it = values_.find(key);
  if (it == values_.end()) {
    throw Error(ErrorKind::kInternal, "config_undeclared",
                "option --" + key + " was never declared");
  }
  if (it->second.type != wanted) {
    throw Error(
        ErrorKind::kInternal, "config_wrong_type",
        "option --" + key + " is a " + TypeName(it->second.type) + ", not a " + TypeName(wanted));
  }
  return it->second;
}

const std::string& Config::GetString(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return Get(key, OptionType::kString).text;  // throws
  return it->second.text;
}

long long Config::GetInt(const std::string& key) const { return Get(key, OptionType::kInt).number; }

bool Config::GetBool(const std::string& key) const { return Get(key, OptionType::kBool).flag; }

milliseconds Config::GetDuration(const std::string& key) const {
  return Get(key, OptionType::kDuration).duration;
}

std::vector<std::string> Config::GetList(const std::string& key) const {
  std::vector<std::string> out;
  std::stringstream in(GetString(key));
  std::string part;
  while (std::getline(in, part, ',')) {
    part = Trim(part);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string Config::Summary() const {
  std::string out;
  for (const auto& key : order_) {
    const Value& v = values_.at(key);
    std::string shown = v.type == OptionType::kSecret ? kHidden : v.text;
    if (shown.empty() || shown.find_first_of(" \t\"") != std::string::npos) {
      shown = "\"" + shown + "\"";
    }
    out += (out.empty() ? "" : " ") + key + "=" + shown;
  }
  return out;
}

Config ParseOrExit(const Spec& spec, int argc, char** argv) {
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << spec.Usage() << std::flush;
    std::exit(0);
  }
  try {
    return spec.Parse(args, ProcessEnvironment());
  } catch (const Error& e) {
    std::stringstream lines(e.what());
    std::string line;
    while (std::getline(lines, line)) std::cerr << spec.program() << ": error: " << line << "\n";
    std::cerr << "Run '" << spec.program() << " --help' to see every option." << std::endl;
    std::exit(2);
  }
}

}  // namespace livedrop::config
