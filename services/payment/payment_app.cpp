#include "payment_app.h"

#include "livedrop/core/error.h"
#include "livedrop/core/executor.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::payment {
namespace {

metrics::Counter& Transitions(const char* state) {
  return metrics::Registry::Default().GetCounter(
      "livedrop_payment_transitions_total",
      "Payments that reached a state (each payment once per state, whatever the retries)",
      {{"state", state}});
}

Error NoPayment() { return NotFoundError("payment"); }

}  // namespace

PaymentApp::PaymentApp(PaymentsRepository& payments, PaymentProvider& provider, int threads,
                       int max_in_flight)
    : payments_(payments),
      provider_(provider),
      succeeded_(Transitions("succeeded")),
      failed_(Transitions("failed")),
      refunded_(Transitions("refunded")),
      in_flight_(max_in_flight, "charges and refunds in flight"),
      executor_(std::make_unique<Executor>(ExecutorOptions{"payment", threads}, rpc::CarryCall)) {}

PaymentApp::~PaymentApp() {
  executor_.reset();  // first: the calls in flight use the rest
}

PaymentRow PaymentApp::Finish(const std::string& order_id, const ProviderResult& result) {
  if (OutcomeState(result) == PaymentState::kSucceeded) {
    auto change = payments_.MarkSucceeded(order_id);
    if (change.changed) succeeded_.Inc();
    return std::move(change.payment);
  }
  auto change = payments_.MarkFailed(order_id, OutcomeFailureCode(result));
  if (change.changed) failed_.Inc();
  return std::move(change.payment);
}

PaymentRow PaymentApp::RecordCharge(const ChargeInput& input) {
  ValidateCharge(input);
  const PaymentRow payment =
      payments_.RecordPending(PaymentRow{NewUuid(), input.order_id, input.buyer_id, input.amount,
                                         input.currency, PaymentState::kPending});
  CheckSameCharge(payment, input);
  return payment;
}

void PaymentApp::Charge(const ChargeInput& input, Then<PaymentRow> reply_to) {
  Then<PaymentRow> then = in_flight_.Admit(std::move(reply_to));
  if (!then) return;  // overloaded, answered already
  executor_->Post([this, input, then = std::move(then)] {
    auto recorded = Reply<PaymentRow>::From([&] { return RecordCharge(input); });
    if (!recorded.ok()) return then(std::move(recorded));
    const PaymentRow payment = std::move(recorded).Get();
    if (IsFinal(payment.state)) return then(Reply<PaymentRow>::Of(payment));
    // Pending: just recorded, in flight elsewhere, or left by a crash. Asking the provider
    // again is safe: the key is the payment's id, stored with the pending row before the first
    // ask, and the provider answers a key once. Its answer is recorded on this executor.
    provider_.Charge(
        payment.id, payment.amount, payment.currency, input.payment_token,
        executor_->Continue<ProviderResult>(
            [this, order_id = payment.order_id, then](Reply<ProviderResult> r) {
              then(Reply<PaymentRow>::From([&] { return Finish(order_id, std::move(r).Get()); }));
            }));
  });
}

PaymentRow PaymentApp::FindRefundable(const std::string& order_id) {
  RequireUuid("order_id", order_id);
  auto payment = payments_.Find(order_id);
  if (!payment) throw NoPayment();
  CheckRefundable(*payment);
  return std::move(*payment);
}

PaymentRow PaymentApp::RecordRefund(const std::string& order_id, const ProviderResult& result) {
  if (!result.succeeded) {
    throw Error(ErrorKind::kFailedPrecondition, "refund_failed",
                "the payment provider refused the refund: " + rpc::EnumCode(result.failure),
                {{"failure_code", rpc::EnumCode(result.failure)}});
  }
  auto change = payments_.MarkRefunded(order_id);
  if (change.changed) refunded_.Inc();
  return std::move(change.payment);
}

void PaymentApp::Refund(const std::string& order_id, Then<PaymentRow> reply_to) {
  Then<PaymentRow> then = in_flight_.Admit(std::move(reply_to));
  if (!then) return;  // overloaded, answered already
  executor_->Post([this, order_id, then = std::move(then)] {
    auto found = Reply<PaymentRow>::From([&] { return FindRefundable(order_id); });
    if (!found.ok()) return then(std::move(found));
    const PaymentRow payment = std::move(found).Get();
    if (payment.state == PaymentState::kRefunded) return then(Reply<PaymentRow>::Of(payment));
    provider_.Refund(
        payment.id,
        executor_->Continue<ProviderResult>([this, order_id, then](Reply<ProviderResult> r) {
          then(Reply<PaymentRow>::From([&] { return RecordRefund(order_id, std::move(r).Get()); }));
        }));
  });
}

PaymentRow PaymentApp::GetPayment(const std::string& order_id) {
  if (!IsUuid(order_id)) throw NoPayment();
  auto payment = payments_.Find(order_id);
  if (!payment) throw NoPayment();
  return std::move(*payment);
}

}  // namespace livedrop::payment
