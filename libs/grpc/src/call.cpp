#include "livedrop/grpc/call.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

#include "livedrop/core/error.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/grpc/status.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/log/log.h"
#include "livedrop/log/traceparent.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::rpc {
namespace {

thread_local const InboundCall* current_call = nullptr;

std::string& ServiceNameStorage() {
  static std::string name = "livedrop";
  return name;
}

std::string Metadata(const ::grpc::ServerContextBase& context, const char* key) {
  const auto& md = context.client_metadata();
  const auto it = md.find(key);
  if (it == md.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

const char* CodeName(::grpc::StatusCode code) {
  switch (code) {
    case ::grpc::StatusCode::OK:
      return "OK";
    case ::grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case ::grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case ::grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case ::grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case ::grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case ::grpc::StatusCode::ABORTED:
      return "ABORTED";
    case ::grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case ::grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case ::grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case ::grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    default:
      return "INTERNAL";
  }
}

// Every call counted by method and outcome, and timed by method.
void Record(std::string_view method, const ::grpc::Status& status,
            std::chrono::steady_clock::time_point started) {
  auto& registry = metrics::Registry::Default();
  const std::string name(method);
  registry
      .GetCounter("livedrop_rpc_requests_total", "gRPC calls served, by method and status code",
                  {{"method", name}, {"code", CodeName(status.error_code())}})
      .Inc();
  registry
      .GetHistogram("livedrop_rpc_duration_seconds", "gRPC call latency by method",
                    metrics::DefaultLatencyBuckets(), {{"method", name}})
      .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

class CallScope {
 public:
  explicit CallScope(const InboundCall& call) : previous_(current_call) { current_call = &call; }
  ~CallScope() { current_call = previous_; }

 private:
  const InboundCall* previous_;
};

::grpc::Status RunBoundary(std::string_view method, const std::function<void()>& body) {
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

}  // namespace

const InboundCall* CurrentInboundCall() { return current_call; }

std::string CurrentTraceParent() {
  return current_call != nullptr ? current_call->trace_parent : std::string();
}

void RequireActingUser(std::string_view user_id) {
  const InboundCall* call = CurrentInboundCall();
  if (call == nullptr) return;
  const bool from_gateway = call->caller == kGatewayIdentity;
  if (from_gateway && call->user_id.empty()) {
    throw ReasonError(ErrorKind::kPermissionDenied, common::v1::REASON_PERMISSION_DENIED,
                      "the gateway names no user to act for");
  }
  if ((from_gateway || call->caller.empty()) && !call->user_id.empty() &&
      call->user_id != user_id) {
    throw ReasonError(ErrorKind::kPermissionDenied, common::v1::REASON_PERMISSION_DENIED,
                      "the request names another user than the caller");
  }
}

void SetServiceName(std::string name) { ServiceNameStorage() = std::move(name); }
const std::string& ServiceName() { return ServiceNameStorage(); }

namespace {

// The call as its metadata tells it, and the trace id its logs carry.
struct ReadCall {
  InboundCall call;
  std::string trace_id;
};

ReadCall Read(const ::grpc::ServerContextBase& context) {
  ReadCall out;
  InboundCall& call = out.call;
  call.request_id = Metadata(context, kRequestIdHeader);
  call.trace_parent = Metadata(context, kTraceParentHeader);
  if (call.request_id.empty()) call.request_id = log::NewRequestId();
  if (const auto auth = context.auth_context()) call.caller = PeerName(*auth);
  call.user_id = Metadata(context, kUserIdHeader);
  call.user_role = Metadata(context, kUserRoleHeader);
  if (const auto tp = log::ParseTraceParent(call.trace_parent)) {
    out.trace_id = tp->trace_id;
  } else {
    const auto fresh = log::NewTraceParent();
    call.trace_parent = log::FormatTraceParent(fresh);
    out.trace_id = fresh.trace_id;
  }
  if (context.deadline() != std::chrono::system_clock::time_point::max()) {
    call.deadline = context.deadline();
  }
  return out;
}

}  // namespace

::grpc::Status Serve(::grpc::ServerContext* context, std::string_view method,
                     const std::function<void()>& body) {
  const ReadCall read = Read(*context);
  CallScope scope(read.call);
  log::ScopedContext log_scope(log::Context{read.call.request_id, read.trace_id});
  const auto started = std::chrono::steady_clock::now();
  const ::grpc::Status status = RunBoundary(method, body);
  Record(method, status, started);
  return status;
}

::grpc::ServerUnaryReactor* ServeAsync(::grpc::CallbackServerContext* context,
                                       std::string_view method,
                                       const std::function<void(Finish)>& body) {
  auto* reactor = context->DefaultReactor();
  const ReadCall read = Read(*context);
  CallScope scope(read.call);
  log::ScopedContext log_scope(log::Context{read.call.request_id, read.trace_id});
  auto finished = std::make_shared<std::atomic<bool>>(false);
  const Finish finish = [reactor, finished, name = std::string(method),
                         started = std::chrono::steady_clock::now()](std::exception_ptr error) {
    if (finished->exchange(true)) {
      spdlog::error("{} finished twice; the second outcome is ignored", name);
      return;
    }
    const ::grpc::Status status = RunBoundary(name, [&] {
      if (error) std::rethrow_exception(error);
    });
    Record(name, status, started);
    reactor->Finish(status);
  };
  try {
    body(finish);
  } catch (...) {
    finish(std::current_exception());
  }
  return reactor;
}

std::function<void()> CarryCall(std::function<void()> task) {
  const InboundCall* current = CurrentInboundCall();
  if (current == nullptr) return task;
  return [call = *current, context = log::CurrentContext(), task = std::move(task)] {
    CallScope scope(call);
    log::ScopedContext log_scope(context);
    task();
  };
}

}  // namespace livedrop::rpc
