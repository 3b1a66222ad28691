// Trust between the services, against the real binaries: every gRPC port speaks only mutual
// TLS with a certificate of the platform's CA, each method answers only the callers its
// service declares (main.cpp), and a request naming another user than the one the gateway
// verified is refused; each service reaches PostgreSQL as a role of its own. What the public API
// does with the same calls is the other suites'.
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <memory>
#include <pqxx/pqxx>
#include <set>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.grpc.pb.h"
#include "livedrop/followers/v1/followers.grpc.pb.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/client.h"
#include "livedrop/inventory/v1/inventory.grpc.pb.h"
#include "livedrop/notifications/v1/notifications.grpc.pb.h"
#include "livedrop/orders/v1/orders.grpc.pb.h"
#include "livedrop/payment/v1/payment.grpc.pb.h"
#include "livedrop/pg/roles.h"
#include "livedrop/testing/certs.h"
#include "platform.h"

namespace livedrop::e2e {
namespace {

using namespace std::chrono_literals;

// Every service of the platform and the proto service it serves (named through the generated
// code, so that its descriptor is linked in).
const std::map<std::string, std::string> kServices = {
    {"auth", auth::v1::AuthService::service_full_name()},
    {"followers", followers::v1::FollowersService::service_full_name()},
    {"drops", drops::v1::DropsService::service_full_name()},
    {"inventory", inventory::v1::InventoryService::service_full_name()},
    {"orders", orders::v1::OrdersService::service_full_name()},
    {"payment", payment::v1::PaymentService::service_full_name()},
    {"notifications", notifications::v1::NotificationsService::service_full_name()},
};

class ServiceIdentityE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // No other code of this test uses auth's messages: link their descriptors in (the
    // channel's service config is built from the service's descriptor).
    (void)auth::v1::GetJwksRequest::descriptor();
    platform_ = new Platform();
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  // A channel to `service` presenting `name`'s certificate from `dir`; no name: plaintext.
  static std::shared_ptr<::grpc::Channel> Channel(const std::string& service,
                                                  const std::string& name,
                                                  const std::string& dir = testing::CertsDir()) {
    rpc::ChannelPolicy policy;
    if (!name.empty()) policy.tls = testing::TlsIdentityPtr(name, dir);
    return rpc::MakeChannel(platform_->GrpcAddress(service), kServices.at(service), policy);
  }

  template <class Service>
  static std::unique_ptr<typename Service::Stub> Stub(const std::string& service,
                                                      const std::string& name) {
    return Service::NewStub(Channel(service, name));
  }

  static Platform* platform_;
};

Platform* ServiceIdentityE2E::platform_ = nullptr;

// grpc.health.v1.Health/Check with an empty request (the whole server), without waiting for
// a channel that cannot connect.
::grpc::Status HealthCheck(const std::shared_ptr<::grpc::Channel>& channel) {
  ::grpc::GenericStub stub(channel);
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  ::grpc::CompletionQueue cq;
  ::grpc::Slice empty("");  // HealthCheckRequest{}: zero bytes, but a message
  ::grpc::ByteBuffer request(&empty, 1), response;
  ::grpc::Status status;
  auto call = stub.PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", request, &cq);
  call->StartCall();
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  return status;
}

// A context for a call the gateway makes for `user` (empty: for no one).
std::unique_ptr<::grpc::ClientContext> ActingFor(const std::string& user) {
  return rpc::NewClientContext(5s, rpc::CallOrigin{"", "", user, user.empty() ? "" : "buyer"});
}

TEST_F(ServiceIdentityE2E, EveryService_RefusesPlaintextAndCertificatesOfAnotherCa) {
  for (const auto& [service, full_name] : kServices) {
    SCOPED_TRACE(service);
    const auto served = HealthCheck(Channel(service, "livedrop-gateway"));
    EXPECT_TRUE(served.ok()) << served.error_message();
    EXPECT_EQ(HealthCheck(Channel(service, "")).error_code(), ::grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(
        HealthCheck(Channel(service, "livedrop-gateway", testing::OtherCaCertsDir())).error_code(),
        ::grpc::StatusCode::UNAVAILABLE);
  }
}

TEST_F(ServiceIdentityE2E, AServiceCallingAMethodItIsNotAllowed_IsPermissionDenied) {
  // Refunds come only from orders: not from another service, not from the gateway.
  for (const std::string caller : {"livedrop-notifications", "livedrop-gateway"}) {
    SCOPED_TRACE(caller);
    auto payment = Stub<payment::v1::PaymentService>("payment", caller);
    auto ctx = rpc::NewClientContext(5s);
    payment::v1::RefundRequest req;
    req.set_order_id(NewUuid());
    payment::v1::RefundResponse resp;
    EXPECT_EQ(payment->Refund(ctx.get(), req, &resp).error_code(),
              ::grpc::StatusCode::PERMISSION_DENIED);
  }
  // Charges only from orders (Charge, like Refund, is a callback method: the same check).
  {
    auto payment = Stub<payment::v1::PaymentService>("payment", "livedrop-notifications");
    auto ctx = rpc::NewClientContext(5s);
    payment::v1::ChargeRequest req;
    req.set_order_id(NewUuid());
    req.set_buyer_id(NewUuid());
    req.set_amount(100);
    req.set_currency("EUR");
    req.set_payment_token("tok_visa");
    payment::v1::ChargeResponse resp;
    EXPECT_EQ(payment->Charge(ctx.get(), req, &resp).error_code(),
              ::grpc::StatusCode::PERMISSION_DENIED);
  }
  // Reservations only from orders.
  auto inventory = Stub<inventory::v1::InventoryService>("inventory", "livedrop-followers");
  auto ctx = rpc::NewClientContext(5s);
  inventory::v1::ReserveRequest reserve;
  reserve.set_drop_id(NewUuid());
  reserve.set_order_id(NewUuid());
  reserve.set_buyer_id(NewUuid());
  reserve.set_quantity(1);
  inventory::v1::ReserveResponse reserved;
  EXPECT_EQ(inventory->Reserve(ctx.get(), reserve, &reserved).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);
  // Orders are placed by the gateway for a buyer, never by another service directly.
  auto orders = Stub<orders::v1::OrdersService>("orders", "livedrop-payment");
  auto list_ctx = rpc::NewClientContext(5s);
  orders::v1::ListOrdersRequest list;
  list.set_buyer_id(NewUuid());
  orders::v1::ListOrdersResponse listed;
  EXPECT_EQ(orders->ListOrders(list_ctx.get(), list, &listed).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceIdentityE2E, ARequestNamingAnotherUserThanTheVerifiedOne_IsRefused) {
  const std::string alice = NewUuid();
  const std::string mallory = NewUuid();
  auto orders = Stub<orders::v1::OrdersService>("orders", "livedrop-gateway");
  orders::v1::ListOrdersRequest list;
  orders::v1::ListOrdersResponse listed;
  list.set_buyer_id(alice);
  // The gateway acting for alice reads alice's orders...
  const auto own = orders->ListOrders(ActingFor(alice).get(), list, &listed);
  EXPECT_TRUE(own.ok()) << own.error_message();
  // ...but not for mallory, nor for no one.
  EXPECT_EQ(orders->ListOrders(ActingFor(mallory).get(), list, &listed).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(orders->ListOrders(ActingFor("").get(), list, &listed).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);
  // The same for PlaceOrder, a callback method: no order for alice placed acting for mallory.
  orders::v1::PlaceOrderRequest place;
  place.set_buyer_id(alice);
  place.set_idempotency_key(NewUuid());
  place.set_drop_id(NewUuid());
  place.set_payment_token("tok_visa");
  place.set_quantity(1);
  orders::v1::PlaceOrderResponse placed;
  EXPECT_EQ(orders->PlaceOrder(ActingFor(mallory).get(), place, &placed).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(orders->PlaceOrder(ActingFor("").get(), place, &placed).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);

  auto notifications =
      Stub<notifications::v1::NotificationsService>("notifications", "livedrop-gateway");
  notifications::v1::ListNotificationsRequest inbox;
  inbox.set_user_id(alice);
  notifications::v1::ListNotificationsResponse page;
  EXPECT_EQ(notifications->ListNotifications(ActingFor(mallory).get(), inbox, &page).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);

  auto drops = Stub<drops::v1::DropsService>("drops", "livedrop-gateway");
  drops::v1::CancelDropRequest cancel;
  cancel.set_id(NewUuid());
  cancel.set_creator_id(alice);
  drops::v1::CancelDropResponse cancelled;
  EXPECT_EQ(drops->CancelDrop(ActingFor(mallory).get(), cancel, &cancelled).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);

  auto followers = Stub<followers::v1::FollowersService>("followers", "livedrop-gateway");
  followers::v1::FollowRequest follow;
  follow.set_follower_id(alice);
  follow.set_creator_id(NewUuid());
  followers::v1::FollowResponse followed;
  EXPECT_EQ(followers->Follow(ActingFor(mallory).get(), follow, &followed).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceIdentityE2E, OnlyTheGatewayMayActForAUser) {
  // orders may call inventory, but not in a user's name.
  const std::string alice = NewUuid();
  auto inventory = Stub<inventory::v1::InventoryService>("inventory", "livedrop-orders");
  inventory::v1::ReleaseRequest release;
  release.set_order_id(NewUuid());
  inventory::v1::ReleaseResponse released;
  EXPECT_EQ(inventory->Release(ActingFor(alice).get(), release, &released).error_code(),
            ::grpc::StatusCode::PERMISSION_DENIED);
  // As itself the call gets through the boundary (and the service answers it).
  const auto own = inventory->Release(rpc::NewClientContext(5s).get(), release, &released);
  EXPECT_NE(own.error_code(), ::grpc::StatusCode::PERMISSION_DENIED) << own.error_message();
  EXPECT_NE(own.error_code(), ::grpc::StatusCode::UNAVAILABLE) << own.error_message();
}

// Each service reaches PostgreSQL as its own role, which owns its schema and nothing else: a
// service that is taken over cannot read or change another service's tables.
TEST_F(ServiceIdentityE2E, EachServiceConnectsAsItsOwnRole_WhichCannotReachAnotherSchema) {
  pqxx::connection owner(platform_->DatabaseUrl());
  pqxx::work tx(owner);
  std::set<std::string> connected;
  for (const auto& row :
       tx.exec("SELECT DISTINCT usename::text FROM pg_stat_activity "
               "WHERE datname = current_database() AND usename <> current_user")) {
    connected.insert(row[0].as<std::string>());
  }
  std::set<std::string> roles;
  for (const char* service : Platform::kDatabaseServices) roles.insert(Platform::RoleOf(service));
  EXPECT_EQ(connected, roles);  // no service connects as the owner
  EXPECT_GE(tx.exec1("SELECT count(*) FROM auth.users")[0].as<long>(), 0);  // the table is there
  tx.commit();

  const auto refused = [&](const std::string& role, const std::string& statement) {
    pqxx::connection as_role(pg::WithUser(platform_->DatabaseUrl(), role));
    try {
      pqxx::work attempt(as_role);
      attempt.exec(statement);
      return false;
    } catch (const pqxx::insufficient_privilege&) {
      return true;
    }
  };
  EXPECT_TRUE(refused(Platform::RoleOf("orders"), "SELECT count(*) FROM auth.users"));
  EXPECT_TRUE(refused(Platform::RoleOf("orders"), "UPDATE payment.payments SET amount = 0"));
  EXPECT_TRUE(refused(Platform::RoleOf("notifications"), "SELECT * FROM auth.signing_keys"));
  EXPECT_FALSE(refused(Platform::RoleOf("orders"), "SELECT count(*) FROM orders.orders"));
}

}  // namespace
}  // namespace livedrop::e2e
