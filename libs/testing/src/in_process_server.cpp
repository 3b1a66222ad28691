#include "livedrop/testing/in_process_server.h"

#include "livedrop/grpc/server_runner.h"

namespace livedrop::testing {

InProcessServer::InProcessServer(::grpc::Service* service, InProcessServerOptions options)
    : InProcessServer({service}, std::move(options)) {}

InProcessServer::InProcessServer(std::initializer_list<::grpc::Service*> services,
                                 InProcessServerOptions options)
    : runner_(std::make_unique<rpc::ServerRunner>(rpc::ServerOptions{
          options.name, "127.0.0.1:0", options.threads, options.drain, {}, options.tls,
          options.access})) {
  for (auto* service : services) runner_->AddService(service);
  runner_->Start();
}

InProcessServer::~InProcessServer() { runner_->Shutdown(); }

int InProcessServer::Port() const { return runner_->port(); }

std::string InProcessServer::Address() const { return "127.0.0.1:" + std::to_string(Port()); }

}  // namespace livedrop::testing
