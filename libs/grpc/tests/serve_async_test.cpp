// rpc::ServeAsync: a callback method answers later, from another thread, without holding one
// while it waits; the served call's context travels with CarryCall; errors map as Serve's do.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/core/error.h"
#include "livedrop/core/executor.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/server_runner.h"
#include "livedrop/grpc/status.h"
#include "livedrop/testing/eventually.h"

namespace livedrop::rpc {
namespace {

using livedrop::auth::v1::AuthService;
using livedrop::auth::v1::GetUserRequest;
using livedrop::auth::v1::GetUserResponse;
using namespace std::chrono_literals;

// GetUser as a callback method that keeps each call until AnswerAll(), then answers it from
// an executor thread with the request id it sees there.
class HeldGetUser final : public AuthService::WithCallbackMethod_GetUser<AuthService::Service> {
 public:
  ::grpc::ServerUnaryReactor* GetUser(::grpc::CallbackServerContext* ctx, const GetUserRequest* req,
                                      GetUserResponse* resp) override {
    return ServeAsync(ctx, "GetUser", [this, req, resp](Finish finish) {
      if (req->id() == "refused") throw NotFoundError("user");  // before anything is handed on
      std::lock_guard lock(mu_);
      held_.push_back(CarryCall([req, resp, finish] {
        if (req->id() == "missing") return finish(std::make_exception_ptr(NotFoundError("user")));
        const InboundCall* call = CurrentInboundCall();
        resp->mutable_user()->set_id(call ? call->request_id : "no call here");
        finish(nullptr);
      }));
    });
  }

  int held() {
    std::lock_guard lock(mu_);
    return static_cast<int>(held_.size());
  }
  void AnswerAll() {
    std::lock_guard lock(mu_);
    for (auto& answer : held_) executor_.Post(std::move(answer));
    held_.clear();
  }

 private:
  Executor executor_{{"answers", 2}};
  std::mutex mu_;
  std::vector<std::function<void()>> held_;
};

struct AsyncServer {
  HeldGetUser service;
  ServerRunner runner{ServerOptions{"livedrop-test", "127.0.0.1:0", 2, 1000ms}};
  AsyncServer() {
    runner.AddService(&service);
    runner.Start();
  }
  std::string Address() const { return "127.0.0.1:" + std::to_string(runner.port()); }
};

struct Outcome {
  std::mutex mu;
  std::vector<std::pair<std::string, ::grpc::Status>> answers;  // (user id, status) per call
};

void StartGetUser(AuthService::Stub& stub, const std::string& id, const std::string& request_id,
                  Outcome& outcome) {
  struct Call {
    std::unique_ptr<::grpc::ClientContext> ctx;
    GetUserRequest req;
    GetUserResponse resp;
  };
  auto call = std::make_shared<Call>();
  call->ctx = NewClientContext(10s, CallOrigin{request_id, ""});
  call->req.set_id(id);
  stub.async()->GetUser(call->ctx.get(), &call->req, &call->resp,
                        [call, &outcome](::grpc::Status status) {
                          std::lock_guard lock(outcome.mu);
                          outcome.answers.emplace_back(call->resp.user().id(), status);
                        });
}

// Twelve calls wait at once on a server of two handler threads, and each is answered from
// the executor in its own call's context (its request id).
TEST(ServeAsync, CallsWaitWithoutAThreadEach_AndAreAnsweredInTheirOwnContext) {
  AsyncServer server;
  auto stub = AuthService::NewStub(MakeChannel<AuthService>(server.Address()));
  Outcome outcome;
  constexpr int kCalls = 12;
  for (int i = 0; i < kCalls; ++i) StartGetUser(*stub, "u", "req-" + std::to_string(i), outcome);
  ASSERT_TRUE(testing::Eventually([&] { return server.service.held() == kCalls; }, 10s))
      << server.service.held() << " calls held";
  server.service.AnswerAll();
  ASSERT_TRUE(testing::Eventually(
      [&] {
        std::lock_guard lock(outcome.mu);
        return outcome.answers.size() == kCalls;
      },
      10s));
  std::set<std::string> ids;
  for (const auto& [id, status] : outcome.answers) {
    EXPECT_TRUE(status.ok()) << status.error_message();
    ids.insert(id);
  }
  std::set<std::string> expected;
  for (int i = 0; i < kCalls; ++i) expected.insert("req-" + std::to_string(i));
  EXPECT_EQ(ids, expected);
}

// A thrown error and one handed to Finish both arrive as the Error they were, with its reason.
TEST(ServeAsync, ThrownAndFinishedErrors_ArriveWithTheirReason) {
  AsyncServer server;
  auto stub = AuthService::NewStub(MakeChannel<AuthService>(server.Address()));
  Outcome outcome;
  StartGetUser(*stub, "refused", "req-a", outcome);
  StartGetUser(*stub, "missing", "req-b", outcome);
  ASSERT_TRUE(testing::Eventually([&] { return server.service.held() == 1; }, 10s));
  server.service.AnswerAll();
  ASSERT_TRUE(testing::Eventually(
      [&] {
        std::lock_guard lock(outcome.mu);
        return outcome.answers.size() == 2;
      },
      10s));
  for (const auto& [id, status] : outcome.answers) {
    const Error e = FromStatus(status);
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_EQ(e.code(), "not_found");
  }
}

}  // namespace
}  // namespace livedrop::rpc
