#include "livedrop/config/config.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "livedrop/core/error.h"

extern char** environ;

namespace livedrop::config {
namespace {

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

Error ConfigError(const std::string& message) {
  return Error(ErrorKind::kInvalidArgument, "config_invalid", message);
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

std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  const auto number = ParseInt(text.substr(0, digits));
  if (!number) return std::nullopt;
  const std::string unit = text.substr(digits);
  using namespace std::chrono;
  if (unit.empty() || unit == "ms") return milliseconds(*number);
  if (unit == "s") return duration_cast<milliseconds>(seconds(*number));
  if (unit == "m") return duration_cast<milliseconds>(minutes(*number));
  if (unit == "h") return duration_cast<milliseconds>(hours(*number));
  return std::nullopt;
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

Spec::Spec(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

std::string Spec::EnvName(const std::string& key) {
  std::string name = "LIVEDROP_";
  for (const char c : key) {
    name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

Spec::Option Spec::MakeOption(std::string key, std::string help, Type type,
                              std::optional<std::string> def) {
  Option o;
  o.key = std::move(key);
  o.help = std::move(help);
  o.type = type;
  o.def = std::move(def);
  return o;
}

Spec& Spec::Add(Option option) {
  options_.push_back(std::move(option));
  return *this;
}

Spec& Spec::String(std::string key, std::string help, std::optional<std::string> def) {
  return Add(MakeOption(std::move(key), std::move(help), Type::kString, std::move(def)));
}

Spec& Spec::Secret(std::string key, std::string help, std::optional<std::string> def) {
  return Add(MakeOption(std::move(key), std::move(help), Type::kSecret, std::move(def)));
}

Spec& Spec::Int(std::string key, std::string help, std::optional<long long> def, long long min,
                long long max) {
  Option o = MakeOption(std::move(key), std::move(help), Type::kInt,
                        def ? std::optional<std::string>(std::to_string(*def)) : std::nullopt);
  o.min = min;
  o.max = max;
  return Add(std::move(o));
}

Spec& Spec::Bool(std::string key, std::string help, std::optional<bool> def) {
  return Add(MakeOption(std::move(key), std::move(help), Type::kBool,
                        def ? std::optional<std::string>(*def ? "true" : "false") : std::nullopt));
}

Spec& Spec::Duration(std::string key, std::string help,
                     std::optional<std::chrono::milliseconds> def) {
  return Add(MakeOption(std::move(key), std::move(help), Type::kDuration,
                        def ? std::optional<std::string>(std::to_string(def->count()) + "ms")
                            : std::nullopt));
}

Spec& Spec::Enum(std::string key, std::string help, std::vector<std::string> allowed,
                 std::optional<std::string> def) {
  Option o = MakeOption(std::move(key), std::move(help), Type::kEnum, std::move(def));
  o.allowed = std::move(allowed);
  return Add(std::move(o));
}

std::optional<std::string> Spec::Check(const Option& o, const std::string& value) const {
  switch (o.type) {
    case Type::kString:
    case Type::kSecret:
      return std::nullopt;
    case Type::kInt: {
      const auto v = ParseInt(value);
      if (!v) return "must be an integer";
      if (*v < o.min || *v > o.max) {
        return "must be between " + std::to_string(o.min) + " and " + std::to_string(o.max);
      }
      return std::nullopt;
    }
    case Type::kBool:
      if (!ParseBool(value)) return "must be true or false";
      return std::nullopt;
    case Type::kDuration:
      if (!ParseDuration(value)) return "must be a duration such as 250ms, 5s, 2m or 1h";
      return std::nullopt;
    case Type::kEnum:
      if (std::find(o.allowed.begin(), o.allowed.end(), value) == o.allowed.end()) {
        std::string list;
        for (const auto& a : o.allowed) list += (list.empty() ? "" : "|") + a;
        return "must be one of " + list;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

Config Spec::Parse(const std::vector<std::string>& args, const Environment& env) const {
  std::vector<std::string> problems;
  std::map<std::string, std::string> flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      problems.push_back("unexpected argument '" + arg + "'");
      continue;
    }
    std::string key = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    }
    const auto it = std::find_if(options_.begin(), options_.end(),
                                 [&](const Option& o) { return o.key == key; });
    if (it == options_.end()) {
      problems.push_back("unknown flag --" + key);
      continue;
    }
    if (!value) {
      if (it->type == Type::kBool && (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0)) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        problems.push_back("--" + key + " needs a value");
        continue;
      }
    }
    flags[key] = *value;
  }

  Config config;
  for (const auto& o : options_) {
    const std::string env_name = EnvName(o.key);
    std::optional<std::string> value;
    std::string source;
    if (const auto f = flags.find(o.key); f != flags.end()) {
      value = f->second;
      source = "--" + o.key;
    } else if (const auto e = env.find(env_name); e != env.end()) {
      value = e->second;
      source = env_name;
    } else {
      value = o.def;
      source = "default of " + o.key;
    }
    if (!value) {
      problems.push_back("missing --" + o.key + " (or " + env_name + "): " + o.help);
      continue;
    }
    if (const auto problem = Check(o, *value)) {
      const std::string shown = o.type == Type::kSecret ? "<secret>" : "'" + *value + "'";
      problems.push_back(source + "=" + shown + " " + *problem);
      continue;
    }
    config.values_[o.key] = *value;
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    throw ConfigError(message);
  }
  return config;
}

std::string Spec::Usage() const {
  std::ostringstream out;
  out << "Usage: " << program_ << " [--key=value ...]\n" << summary_ << "\n\n"
      << "Every option can also be set by its environment variable; a flag wins.\n\nOptions:\n";
  for (const auto& o : options_) {
    out << "  --" << o.key << "  (" << EnvName(o.key) << ")\n      " << o.help;
    if (!o.allowed.empty()) {
      out << " [";
      for (std::size_t i = 0; i < o.allowed.size(); ++i) out << (i ? "|" : "") << o.allowed[i];
      out << "]";
    }
    if (!o.def) {
      out << " (required)";
    } else if (o.type == Type::kSecret) {
      out << " (default: <hidden>)";
    } else {
      out << " (default: " << (o.def->empty() ? "\"\"" : *o.def) << ")";
    }
    out << "\n";
  }
  out << "  --help\n      Print this help and exit.\n";
  return out.str();
}

const std::string& Config::GetString(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw ConfigError("option '" + key + "' was never declared");
  return it->second;
}

long long Config::GetInt(const std::string& key) const { return *ParseInt(GetString(key)); }

bool Config::GetBool(const std::string& key) const { return *ParseBool(GetString(key)); }

std::chrono::milliseconds Config::GetDuration(const std::string& key) const {
  return *ParseDuration(GetString(key));
}

std::vector<std::string> Config::GetList(const std::string& key) const {
  std::vector<std::string> out;
  std::stringstream in(GetString(key));
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

Config ParseOrExit(const Spec& spec, int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << spec.Usage();
    std::exit(0);
  }
  try {
    return spec.Parse(args, ProcessEnvironment());
  } catch (const Error& e) {
    std::cerr << spec.program() << ": invalid configuration:\n";
    std::stringstream lines(e.what());
    std::string line;
    while (std::getline(lines, line)) std::cerr << "  " << line << "\n";
    std::cerr << "Run " << spec.program() << " --help for every option.\n";
    std::exit(2);
  }
}

}  // namespace livedrop::config
