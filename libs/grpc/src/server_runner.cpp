#include "livedrop/grpc/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"

namespace livedrop::rpc {
namespace {

// libgrpc++_reflection adds itself to every server of a process that links it (a static
// initializer); without --grpc-reflection this takes it out of the builder again.
class WithoutReflection final : public ::grpc::ServerBuilderOption {
 public:
  void UpdateArguments(::grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<::grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const auto& p) { return p->name() == "proto_server_reflection"; });
  }
};

}  // namespace

struct ServerRunner::Impl {
  ServerOptions options;
  std::vector<::grpc::Service*> services;
  std::unique_ptr<::grpc::Server> server;
  int port = 0;
};

ServerRunner::ServerRunner(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  SetServiceName(impl_->options.service_name);
}

ServerRunner::~ServerRunner() { Shutdown(); }

void ServerRunner::AddService(::grpc::Service* service) { impl_->services.push_back(service); }

void ServerRunner::Start() {
  ::grpc::EnableDefaultHealthCheckService(true);
  ::grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  ::grpc::ServerBuilder builder;
  if (!impl_->options.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  auto credentials = MakeServerCredentials(impl_->options.tls);
  if (impl_->options.tls) {
    credentials->SetAuthMetadataProcessor(MakeAccessCheck(impl_->options.access));
  } else {
    spdlog::warn("gRPC without TLS: every local process may call any method (development only)");
  }
  builder.AddListeningPort(impl_->options.listen, credentials, &impl_->port);
  ::grpc::ResourceQuota quota(impl_->options.service_name);
  quota.SetMaxThreads(impl_->options.max_threads);
  builder.SetResourceQuota(quota);
  ApplyKeepalive(impl_->options.keepalive, builder);
  if (impl_->options.max_connection_age.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               static_cast<int>(impl_->options.max_connection_age.count()));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               static_cast<int>(impl_->options.max_connection_age_grace.count()));
  }
  for (auto* service : impl_->services) builder.RegisterService(service);
  impl_->server = builder.BuildAndStart();
  if (!impl_->server || impl_->port == 0) {
    throw Error(ErrorKind::kUnavailable, "listen_failed",
                "cannot listen for gRPC on " + impl_->options.listen);
  }
  SetServing(true);
  spdlog::info("gRPC listening on port {}", impl_->port);
}

int ServerRunner::port() const { return impl_->port; }

void ServerRunner::SetServing(bool serving) {
  if (impl_->server) impl_->server->GetHealthCheckService()->SetServingStatus(serving);
}

void ServerRunner::Shutdown() {
  if (!impl_->server) return;
  SetServing(false);
  impl_->server->Shutdown(std::chrono::system_clock::now() + impl_->options.drain);
  impl_->server->Wait();
  impl_->server.reset();
  spdlog::info("gRPC server drained and stopped");
}

}  // namespace livedrop::rpc
