// The gRPC contract of PaymentService (PaymentGrpc) over a real server on a free port: a declined
// card is an OK call with a FAILED payment; only bad input, mismatches and unknown orders are
// errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "livedrop/core/executor.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"
#include "livedrop/testing/in_process_server.h"
#include "livedrop/testing/service_database.h"
#include "payment_app.h"
#include "payment_grpc.h"
#include "payment_migrations.h"
#include "payment_writer.h"
#include "test_provider.h"

namespace livedrop::payment {
namespace {

using namespace std::chrono_literals;

// Passes calls on, counting the charges its processor has in hand (asked, not answered yet) and
// the most it had at once.
class CountingProvider final : public PaymentProvider {
 public:
  explicit CountingProvider(PaymentProvider& next) : next_(next) {}
  void Charge(const std::string& key, std::int64_t amount, const std::string& currency,
              const std::string& token, Then<ProviderResult> then) override {
    {
      std::lock_guard lock(mutex_);
      most_outstanding_ = std::max(most_outstanding_, ++outstanding_);
    }
    next_.Charge(key, amount, currency, token,
                 [this, then = std::move(then)](Reply<ProviderResult> reply) {
                   {
                     std::lock_guard lock(mutex_);
                     --outstanding_;
                   }
                   then(std::move(reply));
                 });
  }
  void Refund(const std::string& key, Then<ProviderResult> then) override {
    next_.Refund(key, std::move(then));
  }
  int most_outstanding() const {
    std::lock_guard lock(mutex_);
    return most_outstanding_;
  }

 private:
  PaymentProvider& next_;
  mutable std::mutex mutex_;
  int outstanding_ = 0;
  int most_outstanding_ = 0;
};

class PaymentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::ServiceDatabase>("payment", Migrations(), 8);
    pool_ = &db_->pool();
    repository_ = std::make_unique<PaymentWriter>(*pool_);
    processor_ = std::make_unique<Executor>(ExecutorOptions{"test processor", 4});
    provider_ =
        std::make_unique<TestProvider>(*pool_, *processor_, TestProviderOptions{100ms, 0ms});
    payments_ = std::make_unique<PaymentApp>(*repository_, *provider_);
    service_ = std::make_unique<PaymentGrpc>(*payments_);
    server_ = std::make_unique<testing::InProcessServer>(
        service_.get(), testing::InProcessServerOptions{"livedrop-payment", 8});
    stub_ = v1::PaymentService::NewStub(rpc::MakeChannel<v1::PaymentService>(server_->Address()));
  }
  void TearDown() override { server_.reset(); }

  v1::ChargeRequest Request(const std::string& token) {
    v1::ChargeRequest req;
    req.set_order_id(NewUuid());
    req.set_buyer_id(NewUuid());
    req.set_amount(4200);
    req.set_currency("EUR");
    req.set_payment_token(token);
    return req;
  }
  ::grpc::Status Charge(const v1::ChargeRequest& req, v1::ChargeResponse& resp) {
    return stub_->Charge(rpc::NewClientContext(5s).get(), req, &resp);
  }
  // "OK" or the ErrorInfo reason of the status.
  static std::string Reason(const ::grpc::Status& status) {
    return status.ok() ? "OK" : rpc::FromStatus(status).code();
  }

  std::unique_ptr<testing::ServiceDatabase> db_;
  pg::Pool* pool_ = nullptr;
  std::unique_ptr<Executor> processor_;
  std::unique_ptr<TestProvider> provider_;
  std::unique_ptr<PaymentWriter> repository_;
  std::unique_ptr<PaymentApp> payments_;
  std::unique_ptr<PaymentGrpc> service_;
  std::unique_ptr<testing::InProcessServer> server_;
  std::unique_ptr<v1::PaymentService::Stub> stub_;
};

TEST_F(PaymentServiceTest, Charge_EachTestToken_ReturnsOkWithItsOutcome) {
  for (const auto& [token, state, code] :
       std::vector<std::tuple<std::string, v1::PaymentState, std::string>>{
           {"tok_visa", v1::PAYMENT_STATE_SUCCEEDED, ""},
           {"tok_chargeDeclined", v1::PAYMENT_STATE_FAILED, "card_declined"},
           {"tok_chargeDeclinedInsufficientFunds", v1::PAYMENT_STATE_FAILED, "insufficient_funds"},
           {"tok_timeout", v1::PAYMENT_STATE_FAILED, "provider_timeout"},
           {"tok_bogus", v1::PAYMENT_STATE_FAILED, "invalid_payment_token"}}) {
    const auto req = Request(token);
    v1::ChargeResponse resp;
    const auto status = Charge(req, resp);
    ASSERT_TRUE(status.ok()) << token << ": " << status.error_message();
    EXPECT_EQ(resp.payment().state(), state) << token;
    EXPECT_EQ(resp.payment().failure_code(), code) << token;
    EXPECT_EQ(resp.payment().order_id(), req.order_id());
    EXPECT_EQ(resp.payment().buyer_id(), req.buyer_id());
    EXPECT_EQ(resp.payment().amount(), 4200);
    EXPECT_EQ(resp.payment().currency(), "EUR");
    EXPECT_TRUE(IsUuid(resp.payment().id()));
    EXPECT_GT(resp.payment().created_at().seconds(), 0);
  }
}

TEST_F(PaymentServiceTest, Charge_BadInput_IsInvalidArgument) {
  auto req = Request("tok_visa");
  req.set_amount(-5);
  v1::ChargeResponse resp;
  const auto status = Charge(req, resp);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(status), "validation_failed");
  auto no_token = Request("");
  EXPECT_EQ(Reason(Charge(no_token, resp)), "validation_failed");
}

TEST_F(PaymentServiceTest, Charge_SameOrderOtherAmount_IsFailedPreconditionMismatch) {
  auto req = Request("tok_visa");
  v1::ChargeResponse first, again;
  ASSERT_TRUE(Charge(req, first).ok());
  ASSERT_TRUE(Charge(req, again).ok());
  EXPECT_EQ(again.payment().id(), first.payment().id());
  req.set_amount(1);
  v1::ChargeResponse resp;
  const auto status = Charge(req, resp);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(status), "payment_mismatch");
  EXPECT_EQ(provider_->captures(), 1);
}

TEST_F(PaymentServiceTest, RefundAndGetPayment_MapOutcomesToCodes) {
  const auto paid = Request("tok_visa");
  const auto declined = Request("tok_chargeDeclined");
  v1::ChargeResponse resp;
  ASSERT_TRUE(Charge(paid, resp).ok());
  ASSERT_TRUE(Charge(declined, resp).ok());

  v1::RefundRequest refund;
  v1::RefundResponse refunded;
  refund.set_order_id(paid.order_id());
  ASSERT_TRUE(stub_->Refund(rpc::NewClientContext(5s).get(), refund, &refunded).ok());
  EXPECT_EQ(refunded.payment().state(), v1::PAYMENT_STATE_REFUNDED);
  ASSERT_TRUE(stub_->Refund(rpc::NewClientContext(5s).get(), refund, &refunded).ok());
  EXPECT_EQ(refunded.payment().state(), v1::PAYMENT_STATE_REFUNDED);

  refund.set_order_id(declined.order_id());
  auto status = stub_->Refund(rpc::NewClientContext(5s).get(), refund, &refunded);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(status), "payment_not_refundable");

  refund.set_order_id(NewUuid());
  status = stub_->Refund(rpc::NewClientContext(5s).get(), refund, &refunded);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::NOT_FOUND);

  v1::GetPaymentRequest get;
  v1::GetPaymentResponse got;
  get.set_order_id(declined.order_id());
  ASSERT_TRUE(stub_->GetPayment(rpc::NewClientContext(5s).get(), get, &got).ok());
  EXPECT_EQ(got.payment().state(), v1::PAYMENT_STATE_FAILED);
  EXPECT_EQ(got.payment().failure_code(), "card_declined");
  get.set_order_id(NewUuid());
  status = stub_->GetPayment(rpc::NewClientContext(5s).get(), get, &got);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reason(status), "not_found");
}

// Issue 12, through gRPC: with ONE thread in the server's handler pool, in the app and in the
// processor, and a 500 ms processor round trip, eight concurrent Charge calls are all at the
// processor at once. Any of the three holding its thread while the processor thinks would let
// only one through at a time.
TEST_F(PaymentServiceTest, Charge_OneThreadEach_EightCallsAtTheProcessorAtOnce) {
  Executor one_thread(ExecutorOptions{"test processor", 1});
  TestProvider slow(*pool_, one_thread, TestProviderOptions{2s, 500ms});
  CountingProvider counted(slow);
  PaymentApp app(*repository_, counted, /*threads=*/1);
  PaymentGrpc service(app);
  testing::InProcessServer server(&service, testing::InProcessServerOptions{"livedrop-payment", 1});
  auto stub = v1::PaymentService::NewStub(rpc::MakeChannel<v1::PaymentService>(server.Address()));
  constexpr int kCharges = 8;
  std::atomic<int> succeeded = 0;
  std::vector<std::thread> callers;
  for (int i = 0; i < kCharges; ++i) {
    callers.emplace_back([&] {
      v1::ChargeResponse resp;
      const auto status =
          stub->Charge(rpc::NewClientContext(20s).get(), Request("tok_visa"), &resp);
      if (status.ok() && resp.payment().state() == v1::PAYMENT_STATE_SUCCEEDED) ++succeeded;
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(succeeded.load(), kCharges);
  EXPECT_EQ(counted.most_outstanding(), kCharges);
  EXPECT_EQ(slow.captures(), kCharges);
}

}  // namespace
}  // namespace livedrop::payment
