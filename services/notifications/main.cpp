// livedrop-notifications: turns the platform's events into inboxes and live notifications.
// Wiring only: options → app → events consumer → gRPC.
#include "events_handler.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/service/service_main.h"
#include "notifications_app.h"
#include "notifications_grpc.h"
#include "notifications_migrations.h"
#include "notifications_options.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-notifications",
       "Inboxes and live notifications of Live Drops: personal events per user, a creator's "
       "broadcasts stored once and merged on read, each published on livedrop.notifications.",
       "notifications", &notifications::Migrations(), 7007, 9007},
      argc, argv, &notifications::NotificationsOptions::Declare, [](service::Runtime& rt) {
        auto app = std::make_shared<notifications::NotificationsApp>(rt.pool);
        std::vector<std::shared_ptr<kafka::Consumer>> consumers;
        for (const auto& lane : notifications::EventsHandler::Lanes()) {
          consumers.push_back(
              std::make_shared<kafka::Consumer>(rt.Consumer(lane.group_id, lane.topics)));
          consumers.back()->StartBatches(notifications::EventsHandler(*app));
        }
        auto grpc = std::make_shared<notifications::NotificationsGrpc>(*app);
        // Who may call which method (certificate names): the gateway acts for end users;
        // other services act as themselves.
        rt.Serve(grpc.get(), rpc::AccessPolicy()
                                 .Allow<notifications::v1::NotificationsService>(
                                     {"ListNotifications", "ListSince", "MarkRead"},
                                     {rpc::kGatewayIdentity}));
        rt.Keep(app);
        for (auto& consumer : consumers) rt.Keep(consumer);
        rt.Keep(grpc);
      });
}
