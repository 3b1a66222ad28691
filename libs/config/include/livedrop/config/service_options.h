#pragma once

#include <string>

#include "livedrop/config/config.h"

namespace livedrop::config {

struct ServiceDefaults {
  int grpc_port;
  int admin_port;
};

// What every service takes: grpc-listen, admin-listen, grpc-max-threads, grpc-reflection,
// pg-url, pg-pool-size, shutdown-grace, the TLS options and the logging options.
void AddCommonServiceOptions(Spec& spec, ServiceDefaults defaults);

// grpc-tls-ca, grpc-tls-cert, grpc-tls-key: the PEM files of mutual TLS between services (the gateway takes
// them too). All three or none; none is plaintext, for local development only.
void AddTlsOptions(Spec& spec);

// log-level and log-format.
void AddLoggingOptions(Spec& spec);

// Sets up logging from log-level and log-format, then logs config.Summary() (secrets hidden).
void InitLogging(const Config& config, const std::string& service);

}  // namespace livedrop::config
