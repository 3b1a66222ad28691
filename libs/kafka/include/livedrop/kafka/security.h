#pragma once

#include <map>
#include <string>

namespace livedrop::config {
class Config;
class Spec;
}  // namespace livedrop::config

namespace livedrop::kafka {

// How this process's Kafka clients reach the brokers: plaintext (the dev broker, a private
// network), TLS, SASL, or both, as a managed or operator-run cluster asks. One setting for
// every producer and consumer of the process, as mutual TLS is for gRPC (grpc/tls.h).
struct KafkaSecurity {
  std::string protocol = "plaintext";  // plaintext | ssl | sasl_plaintext | sasl_ssl
  std::string sasl_mechanism;          // sasl_*: PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
  std::string sasl_username;
  std::string sasl_password;
  std::string ssl_ca_file;    // ssl, sasl_ssl: PEM of the brokers' CA (empty: the system's)
  std::string ssl_cert_file;  // ssl, sasl_ssl: this client's certificate, if the brokers ask
  std::string ssl_key_file;   // ... and its key (both or neither)
};

// The flags every binary with Kafka clients takes (LIVEDROP_KAFKA_SECURITY_PROTOCOL, ...),
// and the security they describe.
void AddSecurityOptions(config::Spec& spec);
KafkaSecurity SecurityFrom(const config::Config& config);

// The librdkafka properties of `security` (security.protocol, sasl.*, ssl.*). Throws
// Error(kInvalidArgument, "config_invalid") naming the flag when it does not hold together:
// SASL without a mechanism, user or password; a certificate without its key; TLS files for
// a protocol without TLS.
std::map<std::string, std::string> SecuritySettings(const KafkaSecurity& security);

// Checks `security` (as SecuritySettings) and makes every Kafka client this process creates
// from now on use it.
void SetProcessSecurity(const KafkaSecurity& security);
// The process's settings (none until SetProcessSecurity: plaintext).
std::map<std::string, std::string> ProcessSecuritySettings();

}  // namespace livedrop::kafka
