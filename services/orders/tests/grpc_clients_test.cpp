// The gRPC clients are the one place that reads other services' answers: inventory's and
// payment's reasons become ReserveRefusal / HoldGone / DeclineReason, and everything else is
// thrown as the error the service reported. Scripted services on an in-process server.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "clients/drops_grpc_client.h"
#include "clients/inventory_grpc_client.h"
#include "clients/payment_grpc_client.h"
#include "livedrop/core/reply.h"
#include "livedrop/drops/v1/drops.grpc.pb.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"
#include "livedrop/inventory/v1/inventory.grpc.pb.h"
#include "livedrop/payment/v1/payment.grpc.pb.h"
#include "livedrop/testing/errors.h"
#include "livedrop/testing/in_process_server.h"

namespace livedrop::orders {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;

// The clients' asynchronous answers, waited for.
ReserveResult Reserve(InventoryPort& client, const ReserveRequest& request) {
  return Await<ReserveResult>([&](Then<ReserveResult> then) { client.Reserve(request, then); });
}
constexpr char kDropId[] = "8d3b0a57-2f1e-4c55-9a6b-0c1d2e3f4a5b";
std::optional<HoldGone> Confirm(InventoryPort& client, const std::string& order_id) {
  return Await<std::optional<HoldGone>>(
      [&](Then<std::optional<HoldGone>> then) { client.Confirm(order_id, kDropId, then); });
}
std::optional<HoldGone> Release(InventoryPort& client, const std::string& order_id) {
  return Await<std::optional<HoldGone>>(
      [&](Then<std::optional<HoldGone>> then) { client.Release(order_id, kDropId, then); });
}
Payment Charge(PaymentPort& client, const ChargeRequest& request) {
  return Await<Payment>([&](Then<Payment> then) { client.Charge(request, then); });
}
Payment Refund(PaymentPort& client, const std::string& order_id) {
  return Await<Payment>([&](Then<Payment> then) { client.Refund(order_id, then); });
}

// Answers every call with the error scripted for its order id, or OK.
class ScriptedInventory final : public inventory::v1::InventoryService::Service {
 public:
  std::map<std::string, Error> errors;  // by order id
  inventory::v1::ReservationState state = inventory::v1::RESERVATION_STATE_HELD;
  std::vector<std::string> drops_told;  // the drop_id of each Confirm and Release

  ::grpc::Status Reserve(::grpc::ServerContext*, const inventory::v1::ReserveRequest* req,
                         inventory::v1::ReserveResponse* resp) override {
    resp->mutable_reservation()->set_state(state);
    return Answer(req->order_id());
  }
  ::grpc::Status Confirm(::grpc::ServerContext*, const inventory::v1::ConfirmRequest* req,
                         inventory::v1::ConfirmResponse*) override {
    drops_told.push_back(req->drop_id());
    return Answer(req->order_id());
  }
  ::grpc::Status Release(::grpc::ServerContext*, const inventory::v1::ReleaseRequest* req,
                         inventory::v1::ReleaseResponse*) override {
    drops_told.push_back(req->drop_id());
    return Answer(req->order_id());
  }

 private:
  ::grpc::Status Answer(const std::string& order_id) {
    const auto it = errors.find(order_id);
    return it == errors.end() ? ::grpc::Status::OK : rpc::ToStatus(it->second, "inventory");
  }
};

class ScriptedPayment final : public payment::v1::PaymentService::Service {
 public:
  ::grpc::Status Charge(::grpc::ServerContext*, const payment::v1::ChargeRequest* req,
                        payment::v1::ChargeResponse* resp) override {
    // The token names the answer: "tok_<failure code>" fails with it, anything else succeeds.
    const std::string& token = req->payment_token();
    auto* p = resp->mutable_payment();
    p->set_order_id(req->order_id());
    if (token.rfind("tok_", 0) == 0 && token != "tok_visa") {
      p->set_state(payment::v1::PAYMENT_STATE_FAILED);
      p->set_failure_code(token.substr(4));
    } else {
      p->set_state(payment::v1::PAYMENT_STATE_SUCCEEDED);
    }
    return ::grpc::Status::OK;
  }
  ::grpc::Status Refund(::grpc::ServerContext*, const payment::v1::RefundRequest* req,
                        payment::v1::RefundResponse* resp) override {
    if (req->order_id() == "unknown") return rpc::ToStatus(NotFoundError("payment"), "payment");
    resp->mutable_payment()->set_order_id(req->order_id());
    resp->mutable_payment()->set_state(payment::v1::PAYMENT_STATE_REFUNDED);
    return ::grpc::Status::OK;
  }
};

class ScriptedDrops final : public drops::v1::DropsService::Service {
 public:
  // Orders ask GetTermsOfSale (read from PostgreSQL by drops), never the cached GetDrop.
  ::grpc::Status GetTermsOfSale(::grpc::ServerContext*, const drops::v1::GetTermsOfSaleRequest* req,
                                drops::v1::GetTermsOfSaleResponse* resp) override {
    if (req->drop_id() == "unknown") return rpc::ToStatus(NotFoundError("drop"), "drops");
    resp->mutable_terms()->set_drop_id(req->drop_id());
    resp->mutable_terms()->set_status(drops::v1::DROP_STATUS_CANCELLED);
    resp->mutable_terms()->set_per_buyer_limit(3);
    resp->mutable_terms()->mutable_price()->set_unit_amount(2500);
    return ::grpc::Status::OK;
  }
};

class GrpcClientsTest : public ::testing::Test {
 protected:
  std::string Address() const { return server_.Address(); }

  ScriptedInventory inventory_service_;
  ScriptedPayment payment_service_;
  ScriptedDrops drops_service_;
  testing::InProcessServer server_{{&inventory_service_, &payment_service_, &drops_service_},
                                   {"fake-services", 4, 100ms}};
};

TEST_F(GrpcClientsTest, InventoryReserve_RefusalReasons_BecomeReserveRefusals_OthersAreThrown) {
  const std::pair<Error, ReserveRefusal> refusals[] = {
      {Error(ErrorKind::kFailedPrecondition, "sold_out", "gone"), ReserveRefusal::kSoldOut},
      {Error(ErrorKind::kFailedPrecondition, "limit_exceeded", "max 2"),
       ReserveRefusal::kLimitExceeded},
      {NotFoundError("stock"), ReserveRefusal::kNoStock},
      {Error(ErrorKind::kFailedPrecondition, "drop_not_live", "the drop was cancelled"),
       ReserveRefusal::kDropNotLive},
      {ValidationError("quantity", "quantity must be positive"), ReserveRefusal::kInvalid},
  };
  for (int i = 0; i < static_cast<int>(std::size(refusals)); ++i) {
    inventory_service_.errors.emplace("o" + std::to_string(i), refusals[i].first);
  }
  inventory_service_.errors.emplace(
      "busy", Error(ErrorKind::kResourceExhausted, "overloaded", "too many waiting"));
  InventoryGrpcClient client(rpc::MakeChannel<inventory::v1::InventoryService>(Address()), 2s);

  for (int i = 0; i < static_cast<int>(std::size(refusals)); ++i) {
    const auto result = Reserve(client, ReserveRequest{"o" + std::to_string(i), "d", "b", 1});
    ASSERT_TRUE(result.refusal.has_value()) << i;
    EXPECT_EQ(*result.refusal, refusals[i].second) << i;
  }
  EXPECT_FALSE(Reserve(client, ReserveRequest{"fine", "d", "b", 1}).refusal.has_value());
  EXPECT_EQ(ErrorCodeOf([&] {
              Reserve(client, ReserveRequest{"busy", "d", "b", 1});
            }),
            "overloaded");
}

TEST_F(GrpcClientsTest, InventoryReserve_ReservationState_IsPassedOn) {
  inventory_service_.state = inventory::v1::RESERVATION_STATE_EXPIRED;
  InventoryGrpcClient client(rpc::MakeChannel<inventory::v1::InventoryService>(Address()), 2s);
  EXPECT_EQ(Reserve(client, ReserveRequest{"o", "d", "b", 1}).state, ReservationState::kExpired);
}

TEST_F(GrpcClientsTest,
       InventoryConfirmAndRelease_GoneHoldsAndAConfirmedRelease_AreValues_OthersThrown) {
  inventory_service_.errors.emplace(
      "lapsed", Error(ErrorKind::kFailedPrecondition, "reservation_not_held", "expired"));
  inventory_service_.errors.emplace("unknown", NotFoundError("reservation"));
  inventory_service_.errors.emplace(
      "sold", Error(ErrorKind::kFailedPrecondition, "reservation_confirmed", "confirmed"));
  InventoryGrpcClient client(rpc::MakeChannel<inventory::v1::InventoryService>(Address()), 2s);

  EXPECT_FALSE(Confirm(client, "fine").has_value());
  EXPECT_EQ(Confirm(client, "lapsed"), HoldGone::kNotHeld);
  EXPECT_EQ(Confirm(client, "unknown"), HoldGone::kNoReservation);
  EXPECT_FALSE(Release(client, "fine").has_value());
  EXPECT_EQ(Release(client, "unknown"), HoldGone::kNoReservation);
  EXPECT_EQ(Release(client, "sold"), HoldGone::kConfirmed);
  inventory_service_.errors.emplace(
      "broken", Error(ErrorKind::kFailedPrecondition, "reservation_mismatch", "other"));
  EXPECT_EQ(ErrorCodeOf([&] { Release(client, "broken"); }), "reservation_mismatch");
  // Every call told inventory the order's drop, so it need not read the reservation to learn it.
  EXPECT_EQ(inventory_service_.drops_told, std::vector<std::string>(7, kDropId));
}

TEST_F(GrpcClientsTest, PaymentCharge_FailureCodes_BecomeDeclineReasons) {
  PaymentGrpcClient client(rpc::MakeChannel<payment::v1::PaymentService>(Address()), 2s);
  auto charge = [&](const std::string& token) {
    return Charge(client, ChargeRequest{"o", "b", 100, "EUR", token});
  };
  EXPECT_EQ(charge("tok_visa").state, PaymentState::kSucceeded);
  EXPECT_FALSE(charge("tok_visa").decline.has_value());
  const std::pair<const char*, DeclineReason> declines[] = {
      {"tok_card_declined", DeclineReason::kCardDeclined},
      {"tok_insufficient_funds", DeclineReason::kInsufficientFunds},
      {"tok_provider_timeout", DeclineReason::kProviderTimeout},
      {"tok_invalid_payment_token", DeclineReason::kInvalidPaymentToken},
      {"tok_something_new", DeclineReason::kOther},
  };
  for (const auto& [token, reason] : declines) {
    const auto payment = charge(token);
    EXPECT_EQ(payment.state, PaymentState::kFailed) << token;
    EXPECT_EQ(payment.decline, reason) << token;
    // What the order keeps is the payment's own code, or payment_failed for an unknown one.
    const std::string kept = DeclineReasonName(reason);
    EXPECT_TRUE(kept == std::string(token).substr(4) || kept == "payment_failed") << token;
  }
}

TEST_F(GrpcClientsTest, PaymentRefund_IsPassedOn_AndAFailureIsItsError) {
  PaymentGrpcClient client(rpc::MakeChannel<payment::v1::PaymentService>(Address()), 2s);
  EXPECT_EQ(Refund(client, "o").state, PaymentState::kRefunded);
  EXPECT_EQ(ErrorCodeOf([&] { Refund(client, "unknown"); }), "not_found");
}

TEST_F(GrpcClientsTest, DropsGetDrop_MapsTheTermsAndUnknownIsNotFound) {
  DropsGrpcClient client(rpc::MakeChannel<drops::v1::DropsService>(Address()), 2s);
  const auto terms = client.GetDrop("d1");
  EXPECT_EQ(terms.id, "d1");
  EXPECT_EQ(terms.status, DropStatus::kCancelled);
  EXPECT_EQ(terms.per_buyer_limit, 3);
  EXPECT_EQ(terms.unit_amount, 2500);
  EXPECT_EQ(ErrorCodeOf([&] { client.GetDrop("unknown"); }), "not_found");
}

}  // namespace
}  // namespace livedrop::orders
