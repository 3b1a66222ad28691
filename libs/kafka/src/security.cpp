#include "livedrop/kafka/security.h"

#include <mutex>

#include "livedrop/config/config.h"
#include "livedrop/core/error.h"

namespace livedrop::kafka {
namespace {

Error Invalid(const std::string& flag, const std::string& why) {
  return Error(ErrorKind::kInvalidArgument, "config_invalid", "--" + flag + ": " + why,
               {{"field", flag}});
}

std::mutex& SettingsMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, std::string>& Settings() {
  static std::map<std::string, std::string> settings;
  return settings;
}

}  // namespace

void AddSecurityOptions(config::Spec& spec) {
  spec.Enum("kafka-security-protocol",
            "How Kafka clients reach the brokers: plaintext, ssl (TLS), sasl_plaintext or "
            "sasl_ssl (SASL over TLS, what managed clusters ask for)",
            {"plaintext", "ssl", "sasl_plaintext", "sasl_ssl"}, "plaintext")
      .String("kafka-sasl-mechanism",
              "SASL mechanism (sasl_*): PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", "")
      .String("kafka-sasl-username", "SASL user name (sasl_*)", "")
      .Secret("kafka-sasl-password", "SASL password (sasl_*)", "")
      .String("kafka-ssl-ca", "PEM file of the CA the brokers' certificates come from (ssl, "
                              "sasl_ssl; empty: the system's CAs)", "")
      .String("kafka-ssl-cert", "PEM file of this client's certificate, for brokers that ask "
                                "for one (ssl, sasl_ssl)", "")
      .String("kafka-ssl-key", "PEM file of that certificate's key", "");
}

KafkaSecurity SecurityFrom(const config::Config& config) {
  KafkaSecurity s;
  s.protocol = config.GetString("kafka-security-protocol");
  s.sasl_mechanism = config.GetString("kafka-sasl-mechanism");
  s.sasl_username = config.GetString("kafka-sasl-username");
  s.sasl_password = config.GetString("kafka-sasl-password");
  s.ssl_ca_file = config.GetString("kafka-ssl-ca");
  s.ssl_cert_file = config.GetString("kafka-ssl-cert");
  s.ssl_key_file = config.GetString("kafka-ssl-key");
  return s;
}

std::map<std::string, std::string> SecuritySettings(const KafkaSecurity& s) {
  const bool tls = s.protocol == "ssl" || s.protocol == "sasl_ssl";
  const bool sasl = s.protocol == "sasl_plaintext" || s.protocol == "sasl_ssl";
  if (!tls && !sasl && s.protocol != "plaintext") {
    throw Invalid("kafka-security-protocol", "'" + s.protocol + "' is not a protocol");
  }
  std::map<std::string, std::string> out{{"security.protocol", s.protocol}};
  if (sasl) {
    if (s.sasl_mechanism != "PLAIN" && s.sasl_mechanism != "SCRAM-SHA-256" &&
        s.sasl_mechanism != "SCRAM-SHA-512") {
      throw Invalid("kafka-sasl-mechanism", "SASL needs PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    }
    if (s.sasl_username.empty()) throw Invalid("kafka-sasl-username", "SASL needs a user name");
    if (s.sasl_password.empty()) throw Invalid("kafka-sasl-password", "SASL needs a password");
    out["sasl.mechanisms"] = s.sasl_mechanism;
    out["sasl.username"] = s.sasl_username;
    out["sasl.password"] = s.sasl_password;
  } else if (!s.sasl_mechanism.empty() || !s.sasl_username.empty() || !s.sasl_password.empty()) {
    throw Invalid("kafka-security-protocol",
                  "SASL settings are given but " + s.protocol + " does not use SASL");
  }
  if (s.ssl_cert_file.empty() != s.ssl_key_file.empty()) {
    throw Invalid(s.ssl_cert_file.empty() ? "kafka-ssl-cert" : "kafka-ssl-key",
                  "a client certificate and its key go together");
  }
  if (tls) {
    if (!s.ssl_ca_file.empty()) out["ssl.ca.location"] = s.ssl_ca_file;
    if (!s.ssl_cert_file.empty()) {
      out["ssl.certificate.location"] = s.ssl_cert_file;
      out["ssl.key.location"] = s.ssl_key_file;
    }
    out["ssl.endpoint.identification.algorithm"] = "https";  // the broker's name is checked
  } else if (!s.ssl_ca_file.empty() || !s.ssl_cert_file.empty()) {
    throw Invalid("kafka-security-protocol",
                  "TLS files are given but " + s.protocol + " does not use TLS");
  }
  return out;
}

void SetProcessSecurity(const KafkaSecurity& security) {
  auto settings = SecuritySettings(security);
  std::lock_guard lock(SettingsMutex());
  Settings() = std::move(settings);
}

std::map<std::string, std::string> ProcessSecuritySettings() {
  std::lock_guard lock(SettingsMutex());
  return Settings();
}

}  // namespace livedrop::kafka
