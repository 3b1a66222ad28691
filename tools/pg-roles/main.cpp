// livedrop-pg-roles: makes each named service's PostgreSQL role and schema (pg::ProvisionServiceRole):
// the LOGIN role livedrop_<service> owning the schema <service> and nothing else. Run it as the
// database's owner, once per deploy before the services start; running it again changes nothing
// (but a password from the environment is set again, which is how one is rotated).
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "livedrop/pg/roles.h"

namespace {

constexpr const char* kUsage =
    "usage: livedrop-pg-roles [--admin-url URL] SERVICE...\n"
    "  For each SERVICE (auth, followers, ...): the role livedrop_<service>, which may log in and\n"
    "  owns the schema <service>, and may create nothing elsewhere. URL (default: env\n"
    "  LIVEDROP_PG_ADMIN_URL) is a postgresql:// URL of the database as its owner. A role's\n"
    "  password comes from env LIVEDROP_PG_PASSWORD_<SERVICE> (e.g. LIVEDROP_PG_PASSWORD_ORDERS);\n"
    "  unset, the role has none (trust or peer authentication, as on a developer's machine).\n";

// A service name as schemas and roles are named: lower-case letters only.
bool IsServiceName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (const char c : name) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const char* env_url = std::getenv("LIVEDROP_PG_ADMIN_URL");
  std::string admin_url = env_url ? env_url : "";
  std::vector<std::string> services;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--admin-url" && i + 1 < argc) {
      admin_url = argv[++i];
    } else if (arg.starts_with("--admin-url=")) {
      admin_url = std::string(arg.substr(12));
    } else if (IsServiceName(arg)) {
      services.emplace_back(arg);
    } else {
      std::fprintf(stderr, "livedrop-pg-roles: '%s' is not a service name\n%s", argv[i], kUsage);
      return 2;
    }
  }
  if (admin_url.empty() || services.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  for (const auto& service : services) {
    const std::string role = "livedrop_" + service;
    const char* password = std::getenv(("LIVEDROP_PG_PASSWORD_" + Upper(service)).c_str());
    try {
      livedrop::pg::ProvisionServiceRole(admin_url, service, role, password ? password : "");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "livedrop-pg-roles: %s: %s\n", role.c_str(), e.what());
      return 1;
    }
    std::printf("livedrop-pg-roles: %s owns schema %s%s\n", role.c_str(), service.c_str(),
                password ? " (password set)" : "");
  }
  return 0;
}
