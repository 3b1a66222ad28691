#include "livedrop/grpc/call.h"

#include <spdlog/spdlog.h>

#include "livedrop/core/error.h"
#include "livedrop/grpc/status.h"
#include "livedrop/log/log.h"
#include "livedrop/log/traceparent.h"

namespace livedrop::rpc {
namespace {

thread_local const InboundCall* current_call = nullptr;

std::string& ServiceNameStorage() {
  static std::string name = "livedrop";
  return name;
}

std::string Metadata(const ::grpc::ServerContext& context, const char* key) {
  const auto& md = context.client_metadata();
  const auto it = md.find(key);
  if (it == md.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

class CallScope {
 public:
  explicit CallScope(const InboundCall& call) : previous_(current_call) { current_call = &call; }
  ~CallScope() { current_call = previous_; }

 private:
  const InboundCall* previous_;
};

}  // namespace

const InboundCall* CurrentInboundCall() { return current_call; }

void SetServiceName(std::string name) { ServiceNameStorage() = std::move(name); }
const std::string& ServiceName() { return ServiceNameStorage(); }

::grpc::Status Serve(::grpc::ServerContext* context, std::string_view method,
                     const std::function<void()>& body) {
  InboundCall call;
  call.request_id = Metadata(*context, kRequestIdHeader);
  call.trace_parent = Metadata(*context, kTraceParentHeader);
  if (call.request_id.empty()) call.request_id = log::NewRequestId();
  std::string trace_id;
  if (const auto tp = log::ParseTraceParent(call.trace_parent)) {
    trace_id = tp->trace_id;
  } else {
    const auto fresh = log::NewTraceParent();
    call.trace_parent = log::FormatTraceParent(fresh);
    trace_id = fresh.trace_id;
  }
  if (context->deadline() != std::chrono::system_clock::time_point::max()) {
    call.deadline = context->deadline();
  }
  CallScope scope(call);
  log::ScopedContext log_scope(log::Context{call.request_id, trace_id});
  try {
    body();
    return ::grpc::Status::OK;
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInternal) {
      spdlog::error("{} failed: {} ({})", method, e.what(), e.code());
      return ToStatus(Error(ErrorKind::kInternal, "internal", "internal error"), ServiceName());
    }
    if (e.kind() == ErrorKind::kUnavailable) spdlog::warn("{} unavailable: {}", method, e.what());
    return ToStatus(e, ServiceName());
  } catch (const std::exception& e) {
    spdlog::error("{} failed with an unexpected exception: {}", method, e.what());
    return ToStatus(Error(ErrorKind::kInternal, "internal", "internal error"), ServiceName());
  }
}

}  // namespace livedrop::rpc
