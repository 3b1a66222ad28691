#include "livedrop/testing/in_process_server.h"

#include <grpc/grpc.h>

#include "livedrop/grpc/server_runner.h"

namespace livedrop::testing {
namespace {

// gRPC shuts itself down when its last object goes, partly on a thread of its own; a test that
// destroys its last server and channels just before the process exits races that shutdown and
// now and then aborts in gRPC's ref counting ("prior > 0", after the test passed). A test process
// keeps gRPC initialised until it exits.
void HoldGrpcForTheProcess() {
  static const bool held = [] {
    grpc_init();
    return true;
  }();
  (void)held;
}

}  // namespace

InProcessServer::InProcessServer(::grpc::Service* service, InProcessServerOptions options)
    : InProcessServer({service}, std::move(options)) {}

InProcessServer::InProcessServer(std::initializer_list<::grpc::Service*> services,
                                 InProcessServerOptions options)
    : runner_((HoldGrpcForTheProcess(), std::make_unique<rpc::ServerRunner>(rpc::ServerOptions{
          options.name, "127.0.0.1:0", options.threads, options.drain, {}, options.tls,
          options.access}))) {
  for (auto* service : services) runner_->AddService(service);
  runner_->Start();
}

InProcessServer::~InProcessServer() { runner_->Shutdown(); }

int InProcessServer::Port() const { return runner_->port(); }

std::string InProcessServer::Address() const { return "127.0.0.1:" + std::to_string(Port()); }

}  // namespace livedrop::testing
