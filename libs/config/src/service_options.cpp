#include "livedrop/config/service_options.h"

#include <spdlog/spdlog.h>

#include "livedrop/log/log.h"

namespace livedrop::config {

void AddCommonServiceOptions(Spec& spec, ServiceDefaults defaults) {
  spec.HostPort("grpc-listen", "Address the gRPC API listens on",
                "127.0.0.1:" + std::to_string(defaults.grpc_port))
      .HostPort("admin-listen", "Address of /metrics, /healthz and /readyz",
                "127.0.0.1:" + std::to_string(defaults.admin_port))
      .Int("grpc-max-threads", "Most requests handled at once (the handler pool; beyond it calls get RESOURCE_EXHAUSTED)", 128, 2, 1024)
      .Secret("pg-url", "PostgreSQL URL, e.g. postgresql://user@host:5432/livedrop")
      .Int("pg-pool-size", "PostgreSQL connections in the pool", 8, 1, 256)
      .Duration("pg-statement-timeout",
                "Longest a database statement may run before the server cancels it (0: no limit)",
                std::chrono::seconds(5))
      .Duration("shutdown-grace", "Time in-flight calls get to finish on SIGTERM",
                std::chrono::seconds(10))
      .Duration("grpc-max-connection-age",
                "Age at which the gRPC server asks a caller's connection to go away (its calls "
                "get 30 s more), so callers resolve again and reach instances added since (0: never)",
                std::chrono::minutes(5))
      .Duration("pg-start-wait",
                "How long start-up waits for PostgreSQL to accept connections before giving up",
                std::chrono::seconds(30))
      .Bool("grpc-reflection", "Serve gRPC server reflection (for grpcurl; off in production)",
            false);
  AddTlsOptions(spec);
  AddLoggingOptions(spec);
}

void AddTlsOptions(Spec& spec) {
  spec.String("grpc-tls-ca", "PEM file of the CA every gRPC peer's certificate must come from "
                        "(with --grpc-tls-cert and --grpc-tls-key: mutual TLS; none of the three: plaintext)",
              "")
      .String("grpc-tls-cert", "PEM file of this process's certificate (its CN is its identity)", "")
      .String("grpc-tls-key", "PEM file of this process's private key", "");
}

void AddLoggingOptions(Spec& spec) {
  spec.Enum("log-level", "Least severe level logged",
            {"trace", "debug", "info", "warn", "error", "critical", "off"}, "info")
      .Enum("log-format", "text (readable) or json (one object per line)", {"text", "json"},
            "text");
}

void InitLogging(const Config& config, const std::string& service) {
  log::Init(service,
            config.GetString("log-format") == "json" ? log::Format::kJson : log::Format::kText,
            config.GetString("log-level"));
  spdlog::info("configuration: {}", config.Summary());
}

}  // namespace livedrop::config
