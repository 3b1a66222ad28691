// The inbox over a real gRPC server: personal notifications merged with the broadcasts of
// followed creators (only from the moment of following, only while following), keyset pages,
// ListSince for reconnecting WebSockets, and the read mark.
#include <gtest/gtest.h>

#include "events_handler.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/grpc/status.h"
#include "livedrop/testing/in_process_server.h"
#include "livedrop/testing/service_database.h"
#include "notifications_app.h"
#include "notifications_grpc.h"
#include "notifications_migrations.h"
#include "test_events.h"

namespace livedrop::notifications {
namespace {

using namespace std::chrono_literals;
using namespace testing;  // NOLINT: the test events
using events::v1::Envelope;

class NotificationsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<livedrop::testing::ServiceDatabase>("notifications", Migrations(), 4);
    pool_ = &db_->pool();
    app_ = std::make_unique<NotificationsApp>(*pool_);
    handler_ = std::make_unique<EventsHandler>(*app_);
    service_ = std::make_unique<NotificationsGrpc>(*app_);
    server_ = std::make_unique<livedrop::testing::InProcessServer>(
        service_.get(), livedrop::testing::InProcessServerOptions{"livedrop-notifications"});
    stub_ = v1::NotificationsService::NewStub(
        rpc::MakeChannel<v1::NotificationsService>(server_->Address()));
  }
  void TearDown() override { server_.reset(); }

  // Handles `envelope` as if it happened at `time`; returns its id.
  std::string Event(Envelope envelope, TimePoint time) {
    envelope = At(std::move(envelope), time);
    handler_->Handle(envelope);
    return envelope.id();
  }
  // A drop_started of a new drop of `creator` at `time`; returns the notification id.
  std::string Broadcast(const std::string& creator, TimePoint time) {
    return Event(DropStarted(NewUuid(), creator), time);
  }

  // Every inbox id, newest first, read in pages of `page`.
  std::vector<std::string> Inbox(const std::string& user, int page = 50) {
    std::vector<std::string> ids;
    std::string cursor;
    do {
      const auto resp = List(user, page, cursor);
      for (const auto& item : resp.items()) ids.push_back(item.notification().id());
      cursor = resp.next_cursor();
    } while (!cursor.empty());
    return ids;
  }
  v1::ListNotificationsResponse List(const std::string& user, int limit,
                                     const std::string& cursor = "") {
    v1::ListNotificationsRequest req;
    req.set_user_id(user);
    req.set_limit(limit);
    req.set_cursor(cursor);
    v1::ListNotificationsResponse resp;
    const auto status = stub_->ListNotifications(rpc::NewClientContext(5s).get(), req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp;
  }
  ::grpc::Status Since(const std::string& user, const std::string& after_id, int limit,
                       v1::ListSinceResponse& resp) {
    v1::ListSinceRequest req;
    req.set_user_id(user);
    req.set_after_id(after_id);
    req.set_limit(limit);
    return stub_->ListSince(rpc::NewClientContext(5s).get(), req, &resp);
  }
  ::grpc::Status MarkRead(const std::string& user, const std::string& up_to_id, bool all,
                          v1::MarkReadResponse& resp) {
    v1::MarkReadRequest req;
    req.set_user_id(user);
    req.set_up_to_id(up_to_id);
    req.set_all(all);
    return stub_->MarkRead(rpc::NewClientContext(5s).get(), req, &resp);
  }
  static std::string Reason(const ::grpc::Status& status) {
    return status.ok() ? "OK" : rpc::FromStatus(status).code();
  }

  const TimePoint t0_ = Now() - 1h;
  std::unique_ptr<livedrop::testing::ServiceDatabase> db_;
  pg::Pool* pool_ = nullptr;
  std::unique_ptr<NotificationsApp> app_;
  std::unique_ptr<EventsHandler> handler_;
  std::unique_ptr<NotificationsGrpc> service_;
  std::unique_ptr<livedrop::testing::InProcessServer> server_;
  std::unique_ptr<v1::NotificationsService::Stub> stub_;
};

using Ids = std::vector<std::string>;

TEST_F(NotificationsServiceTest, Broadcast_ReachesFollowersFromBefore_NotLaterOrFormerFollowers) {
  const auto creator = NewUuid();
  const auto early = NewUuid(), late = NewUuid(), former = NewUuid(), stranger = NewUuid();
  Event(Followed(early, creator), t0_);
  Event(Followed(former, creator), t0_);
  Event(Unfollowed(former, creator), t0_ + 1s);
  const auto broadcast = Broadcast(creator, t0_ + 2s);
  Event(Followed(late, creator), t0_ + 3s);
  Event(Followed(stranger, NewUuid()), t0_);

  EXPECT_EQ(Inbox(early), Ids{broadcast});
  EXPECT_EQ(Inbox(late), Ids{});
  EXPECT_EQ(Inbox(former), Ids{});
  EXPECT_EQ(Inbox(stranger), Ids{});
}

TEST_F(NotificationsServiceTest, FollowEventConsumedAfterTheBroadcast_StillCountsFromItsTime) {
  const auto creator = NewUuid(), user = NewUuid();
  const auto broadcast = Broadcast(creator, t0_ + 2s);
  Event(Followed(user, creator), t0_ + 1s);  // happened first, consumed later
  EXPECT_EQ(Inbox(user), Ids{broadcast});
}

TEST_F(NotificationsServiceTest, Unfollow_HidesTheCreator_Refollow_ShowsOnlyWhatCameAfter) {
  const auto creator = NewUuid(), user = NewUuid();
  Event(Followed(user, creator), t0_);
  const auto first = Broadcast(creator, t0_ + 1s);
  const auto unfollow = Unfollowed(user, creator);
  Event(unfollow, t0_ + 2s);
  Broadcast(creator, t0_ + 3s);
  EXPECT_EQ(Inbox(user), Ids{});
  const auto follow_again = Followed(user, creator);
  Event(follow_again, t0_ + 4s);
  const auto after = Broadcast(creator, t0_ + 5s);
  EXPECT_EQ(Inbox(user), Ids{after});
  (void)first;

  // Stale redeliveries of the older follow events change nothing.
  handler_->Handle(At(unfollow, t0_ + 2s));
  EXPECT_EQ(Inbox(user), Ids{after});
}

TEST_F(NotificationsServiceTest, StaleFollowRedeliveredAfterUnfollow_DoesNotResubscribe) {
  const auto creator = NewUuid(), user = NewUuid();
  const auto follow = At(Followed(user, creator), t0_);
  handler_->Handle(follow);
  Event(Unfollowed(user, creator), t0_ + 1s);
  handler_->Handle(follow);  // redelivered
  Broadcast(creator, t0_ + 2s);
  EXPECT_EQ(Inbox(user), Ids{});
}

TEST_F(NotificationsServiceTest, PersonalEvents_OnlyInTheirUsersInbox_MergedWithBroadcasts) {
  const auto creator = NewUuid(), buyer = NewUuid(), other = NewUuid();
  Event(Followed(buyer, creator), t0_);
  Event(Followed(other, creator), t0_);
  const auto b1 = Broadcast(creator, t0_ + 1s);
  const auto mine = Event(OrderConfirmed(buyer), t0_ + 2s);
  const auto b2 = Broadcast(creator, t0_ + 3s);
  const auto theirs = Event(OrderFailed(other, "payment_declined"), t0_ + 4s);

  EXPECT_EQ(Inbox(buyer), (Ids{b2, mine, b1}));
  EXPECT_EQ(Inbox(other), (Ids{theirs, b2, b1}));
  const auto page = List(buyer, 10);
  const auto& item = page.items(1);
  EXPECT_EQ(item.notification().type(), "order_confirmed");
  EXPECT_EQ(item.notification().user_id(), buyer);
  EXPECT_EQ(rpc::FromTimestamp(item.notification().time()), t0_ + 2s);
  EXPECT_FALSE(item.read());
}

TEST_F(NotificationsServiceTest, ManyFollowedCreators_MergeInGlobalOrder) {
  const auto user = NewUuid();
  std::vector<std::string> creators;
  for (int i = 0; i < 30; ++i) {
    creators.push_back(NewUuid());
    Event(Followed(user, creators.back()), t0_);
  }
  Ids expected;
  for (int i = 0; i < 60; ++i) expected.push_back(Broadcast(creators[(i * 7) % 30], t0_ + 1s));
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(Inbox(user, 7), expected);
}

// Past 256 follows a page walks every creator's broadcasts and keeps the followed ones; a walk
// that meets more than 64 × the rows asked for (the page and one more) broadcasts of others in
// a row gives up and the page is finished per followed creator. Both must give the inbox that
// the per-creator merge gives a user following few.
TEST_F(NotificationsServiceTest, MoreThan256Follows_WalkedOrFinishedPerCreator_SameInbox) {
  const auto user = NewUuid(), late = NewUuid(), former = NewUuid();
  std::vector<std::string> creators;
  for (int i = 0; i < 300; ++i) {
    creators.push_back(NewUuid());
    Event(Followed(user, creators.back()), t0_);
  }
  Event(Followed(user, former), t0_);
  Event(Unfollowed(user, former), t0_ + 1s);
  Event(Followed(user, late), t0_ + 50s);
  const std::vector<std::string> strangers{NewUuid(), NewUuid(), NewUuid()};
  auto others = [&](int n, TimePoint at) {
    for (int i = 0; i < n; ++i) Broadcast(strangers[i % 3], at);
  };
  Ids expected;  // oldest first
  for (int i = 0; i < 10; ++i) expected.push_back(Broadcast(creators[i * 29], t0_ + 10s));
  others(150, t0_ + 20s);
  Broadcast(late, t0_ + 30s);  // before its follow
  Broadcast(former, t0_ + 60s);
  for (int i = 0; i < 10; ++i) {
    expected.push_back(Broadcast(creators[i * 31], t0_ + 60s));
    expected.push_back(Event(OrderConfirmed(user), t0_ + 60s));
  }
  expected.push_back(Broadcast(late, t0_ + 60s));
  others(40, t0_ + 70s);
  for (int i = 0; i < 10; ++i) {
    expected.push_back(Broadcast(creators[299 - i], t0_ + 80s));
    others(3, t0_ + 80s);
  }
  Ids newest_first(expected.rbegin(), expected.rend());
  EXPECT_EQ(Inbox(user, 1), newest_first);  // a page asks for 2 rows: a walk of 128
  EXPECT_EQ(Inbox(user, 50), newest_first);

  v1::ListSinceResponse since;
  ASSERT_TRUE(Since(user, expected[0], 3, since).ok());
  ASSERT_EQ(since.items_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(since.items(i).id(), expected[i + 1]);
  ASSERT_TRUE(Since(user, expected[9], 1, since).ok());  // across the 150 of others
  ASSERT_EQ(since.items_size(), 1);
  EXPECT_EQ(since.items(0).id(), expected[10]);
}

TEST_F(NotificationsServiceTest, Pages_AreStableWhileNewNotificationsArrive) {
  const auto user = NewUuid();
  Ids all;
  for (int i = 0; i < 7; ++i) all.insert(all.begin(), Event(OrderConfirmed(user), t0_));

  const auto first = List(user, 3);
  ASSERT_EQ(first.items_size(), 3);
  ASSERT_FALSE(first.next_cursor().empty());
  Event(OrderConfirmed(user), t0_);  // arrives between pages: belongs before page one
  Ids seen;
  for (const auto& item : first.items()) seen.push_back(item.notification().id());
  std::string cursor = first.next_cursor();
  while (!cursor.empty()) {
    const auto page = List(user, 3, cursor);
    for (const auto& item : page.items()) seen.push_back(item.notification().id());
    cursor = page.next_cursor();
  }
  EXPECT_EQ(seen, all);
  EXPECT_TRUE(List(user, 8).next_cursor().empty());
}

TEST_F(NotificationsServiceTest, ListSince_ReturnsExactlyTheNewerItems_OldestFirst) {
  const auto creator = NewUuid(), user = NewUuid();
  Event(Followed(user, creator), t0_);
  const auto a = Broadcast(creator, t0_ + 1s);
  const auto b = Event(OrderConfirmed(user), t0_ + 2s);
  const auto c = Broadcast(creator, t0_ + 3s);
  Event(OrderConfirmed(NewUuid()), t0_ + 4s);  // someone else's
  Broadcast(NewUuid(), t0_ + 5s);              // a creator the user does not follow
  const auto d = Event(OrderFailed(user, "sold_out"), t0_ + 6s);

  auto ids = [](const v1::ListSinceResponse& resp) {
    Ids out;
    for (const auto& n : resp.items()) out.push_back(n.id());
    return out;
  };
  v1::ListSinceResponse resp;
  ASSERT_TRUE(Since(user, a, 0, resp).ok());
  EXPECT_EQ(ids(resp), (Ids{b, c, d}));
  EXPECT_FALSE(resp.more());
  EXPECT_LT(resp.items(0).seq(), resp.items(1).seq());
  EXPECT_EQ(resp.items(1).creator_id(), creator);

  v1::ListSinceResponse limited;
  ASSERT_TRUE(Since(user, a, 2, limited).ok());
  EXPECT_EQ(ids(limited), (Ids{b, c}));
  EXPECT_TRUE(limited.more());
  v1::ListSinceResponse rest;
  ASSERT_TRUE(Since(user, c, 2, rest).ok());
  EXPECT_EQ(ids(rest), Ids{d});

  v1::ListSinceResponse none;
  ASSERT_TRUE(Since(user, d, 0, none).ok());
  EXPECT_EQ(none.items_size(), 0);
  EXPECT_FALSE(none.more());
}

TEST_F(NotificationsServiceTest, ListSince_UnknownOrOthersId_IsNotFoundUnknownEventId) {
  const auto user = NewUuid();
  const auto others = Event(OrderConfirmed(NewUuid()), t0_);
  v1::ListSinceResponse resp;
  auto status = Since(user, NewUuid(), 0, resp);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reason(status), "unknown_event_id");
  EXPECT_EQ(Reason(Since(user, others, 0, resp)), "unknown_event_id");
  EXPECT_EQ(Reason(Since(user, "last", 0, resp)), "validation_failed");
  EXPECT_EQ(Reason(Since(user, others, 1001, resp)), "validation_failed");
}

TEST_F(NotificationsServiceTest, MarkRead_UpTo_MarksThatAndOlder_CountsThem_NeverMovesBack) {
  const auto creator = NewUuid(), user = NewUuid();
  Event(Followed(user, creator), t0_);
  const auto a = Event(OrderConfirmed(user), t0_ + 1s);
  const auto b = Broadcast(creator, t0_ + 2s);
  Broadcast(NewUuid(), t0_ + 3s);  // not in the user's inbox: not counted
  const auto c = Event(OrderConfirmed(user), t0_ + 4s);

  v1::MarkReadResponse resp;
  ASSERT_TRUE(MarkRead(user, b, false, resp).ok());
  EXPECT_EQ(resp.marked(), 2);
  auto page = List(user, 10);
  ASSERT_EQ(page.items_size(), 3);
  EXPECT_EQ(page.items(0).notification().id(), c);
  EXPECT_FALSE(page.items(0).read());
  EXPECT_TRUE(page.items(1).read());
  EXPECT_TRUE(page.items(2).read());

  ASSERT_TRUE(MarkRead(user, a, false, resp).ok());  // older: the mark stays
  EXPECT_EQ(resp.marked(), 0);
  page = List(user, 10);
  EXPECT_TRUE(page.items(1).read());

  ASSERT_TRUE(MarkRead(user, "", true, resp).ok());
  EXPECT_EQ(resp.marked(), 1);
  const auto all_read = List(user, 10);
  for (const auto& item : all_read.items()) EXPECT_TRUE(item.read());
  ASSERT_TRUE(MarkRead(user, "", true, resp).ok());
  EXPECT_EQ(resp.marked(), 0);

  const auto d = Event(OrderConfirmed(user), t0_ + 5s);
  page = List(user, 10);
  EXPECT_FALSE(page.items(0).read());
  EXPECT_EQ(page.items(0).notification().id(), d);
}

TEST_F(NotificationsServiceTest, MarkRead_EmptyInbox_MarksNothing_UnknownIdIsNotFound) {
  v1::MarkReadResponse resp;
  ASSERT_TRUE(MarkRead(NewUuid(), "", true, resp).ok());
  EXPECT_EQ(resp.marked(), 0);
  EXPECT_EQ(Reason(MarkRead(NewUuid(), NewUuid(), false, resp)), "not_found");
}

TEST_F(NotificationsServiceTest, BadInput_IsValidationFailed) {
  v1::ListNotificationsRequest list;
  v1::ListNotificationsResponse list_resp;
  list.set_user_id("me");
  EXPECT_EQ(Reason(stub_->ListNotifications(rpc::NewClientContext(5s).get(), list, &list_resp)),
            "validation_failed");
  list.set_user_id(NewUuid());
  list.set_limit(201);
  EXPECT_EQ(Reason(stub_->ListNotifications(rpc::NewClientContext(5s).get(), list, &list_resp)),
            "validation_failed");
  list.set_limit(0);
  list.set_cursor("garbage");
  const auto status = stub_->ListNotifications(rpc::NewClientContext(5s).get(), list, &list_resp);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(status), "validation_failed");

  v1::MarkReadResponse resp;
  EXPECT_EQ(Reason(MarkRead(NewUuid(), "", false, resp)), "validation_failed");
  EXPECT_EQ(Reason(MarkRead(NewUuid(), NewUuid(), true, resp)), "validation_failed");
  EXPECT_EQ(Reason(MarkRead(NewUuid(), "x", false, resp)), "validation_failed");
  EXPECT_EQ(Reason(MarkRead("me", "", true, resp)), "validation_failed");
}

}  // namespace
}  // namespace livedrop::notifications
