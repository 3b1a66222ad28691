#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/core/error.h"
#include "livedrop/drops/v1/drops.grpc.pb.h"
#include "livedrop/followers/v1/followers.grpc.pb.h"
#include "livedrop/grpc/status.h"
#include "livedrop/inventory/v1/inventory.grpc.pb.h"
#include "livedrop/notifications/v1/notifications.grpc.pb.h"
#include "livedrop/orders/v1/orders.grpc.pb.h"

// Downstream services for the gateway's route tests: each RPC the gateway uses answers what
// the test set (a response, or an Error sent with ErrorInfo the way rpc::Serve sends it) and
// records every request with the metadata it came with.
namespace livedrop::gateway::fakes {

// The call metadata a fake saw, as the services' rpc::Serve would read it.
struct SeenMetadata {
  std::string request_id;    // x-request-id
  std::string trace_parent;  // traceparent
};

// One RPC of a fake: its canned answer and what it was asked. Thread-safe: handlers run on
// the server's threads while the test reads.
template <class Request, class Response>
class FakeMethod {
 public:
  explicit FakeMethod(std::string domain) : domain_(std::move(domain)) {}

  void Answer(Response response) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(response);
  }
  void Fail(Error error) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(error);
  }
  // Answers each request with what `respond` makes of it (a batch read answering the ids it
  // was asked for); replaces Answer and Fail until they are called again.
  void AnswerWith(std::function<Response(const Request&)> respond) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(respond);
  }
  // Until Release(), calls are recorded but not answered: lets a test order two answers or
  // outlast the caller's deadline.
  void Hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    released_.notify_all();
  }

  int calls() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(requests_.size());
  }
  // The most recent request (a default one if there was none: check calls() first).
  Request last() const {
    std::lock_guard lock(mutex_);
    return requests_.empty() ? Request{} : requests_.back();
  }
  // Every request, in the order they came.
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  SeenMetadata last_metadata() const {
    std::lock_guard lock(mutex_);
    return metadata_.empty() ? SeenMetadata{} : metadata_.back();
  }

  ::grpc::Status Serve(::grpc::ServerContext* context, const Request& request, Response* response) {
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    metadata_.push_back(
        SeenMetadata{Header(*context, "x-request-id"), Header(*context, "traceparent")});
    // Bounded, so a test that forgets to release cannot hang the server's shutdown.
    released_.wait_for(lock, std::chrono::seconds(10), [this] { return !held_; });
    if (const auto* error = std::get_if<Error>(&answer_)) return rpc::ToStatus(*error, domain_);
    if (const auto* respond = std::get_if<Respond>(&answer_)) {
      *response = (*respond)(request);
    } else {
      *response = std::get<Response>(answer_);
    }
    return ::grpc::Status::OK;
  }

 private:
  static std::string Header(const ::grpc::ServerContext& context, const char* name) {
    const auto& metadata = context.client_metadata();
    const auto it = metadata.find(name);
    return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
  }

  using Respond = std::function<Response(const Request&)>;

  const std::string domain_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::variant<Response, Error, Respond> answer_;
  std::vector<Request> requests_;
  std::vector<SeenMetadata> metadata_;
};

// One RPC of a fake: the FakeMethod `member` and the handler that serves it.
#define LIVEDROP_FAKE_RPC(ns, Method, member)                                               \
 public:                                                                                    \
  FakeMethod<ns::Method##Request, ns::Method##Response> member{domain()};                   \
  ::grpc::Status Method(::grpc::ServerContext* context, const ns::Method##Request* request, \
                        ns::Method##Response* response) override {                          \
    return member.Serve(context, *request, response);                                       \
  }

class FakeAuth final : public auth::v1::AuthService::Service {
  static std::string domain() { return "livedrop-auth"; }
  LIVEDROP_FAKE_RPC(auth::v1, Register, register_user)
  LIVEDROP_FAKE_RPC(auth::v1, Login, login)
  LIVEDROP_FAKE_RPC(auth::v1, Refresh, refresh)
  LIVEDROP_FAKE_RPC(auth::v1, Logout, logout)
  LIVEDROP_FAKE_RPC(auth::v1, GetUser, get_user)
  LIVEDROP_FAKE_RPC(auth::v1, GetUsers, get_users)
};

class FakeDrops final : public drops::v1::DropsService::Service {
  static std::string domain() { return "livedrop-drops"; }
  LIVEDROP_FAKE_RPC(drops::v1, CreateProduct, create_product)
  LIVEDROP_FAKE_RPC(drops::v1, GetProduct, get_product)
  LIVEDROP_FAKE_RPC(drops::v1, GetProducts, get_products)
  LIVEDROP_FAKE_RPC(drops::v1, CreateDrop, create_drop)
  LIVEDROP_FAKE_RPC(drops::v1, GetDrop, get_drop)
  LIVEDROP_FAKE_RPC(drops::v1, GetDrops, get_drops)
  LIVEDROP_FAKE_RPC(drops::v1, ListDrops, list_drops)
  LIVEDROP_FAKE_RPC(drops::v1, CancelDrop, cancel_drop)
};

class FakeImages final : public drops::v1::ProductImagesService::Service {
  static std::string domain() { return "livedrop-drops"; }
  LIVEDROP_FAKE_RPC(drops::v1, CreateImageUpload, create_image_upload)
  LIVEDROP_FAKE_RPC(drops::v1, CompleteImageUpload, complete_image_upload)
  LIVEDROP_FAKE_RPC(drops::v1, GetProductImage, get_product_image)
  LIVEDROP_FAKE_RPC(drops::v1, DeleteProductImage, delete_product_image)
};

class FakeInventory final : public inventory::v1::InventoryService::Service {
  static std::string domain() { return "livedrop-inventory"; }
  LIVEDROP_FAKE_RPC(inventory::v1, GetStock, get_stock)
  LIVEDROP_FAKE_RPC(inventory::v1, GetStocks, get_stocks)
};

class FakeFollowers final : public followers::v1::FollowersService::Service {
  static std::string domain() { return "livedrop-followers"; }
  LIVEDROP_FAKE_RPC(followers::v1, Follow, follow)
  LIVEDROP_FAKE_RPC(followers::v1, Unfollow, unfollow)
  LIVEDROP_FAKE_RPC(followers::v1, IsFollowing, is_following)
  LIVEDROP_FAKE_RPC(followers::v1, ListFollowers, list_followers)
  LIVEDROP_FAKE_RPC(followers::v1, ListFollowing, list_following)
  LIVEDROP_FAKE_RPC(followers::v1, GetCounts, get_counts)
  LIVEDROP_FAKE_RPC(followers::v1, BatchGetCounts, batch_get_counts)
};

class FakeNotifications final : public notifications::v1::NotificationsService::Service {
  static std::string domain() { return "livedrop-notifications"; }
  LIVEDROP_FAKE_RPC(notifications::v1, ListNotifications, list_notifications)
  LIVEDROP_FAKE_RPC(notifications::v1, MarkRead, mark_read)
};

class FakeOrders final : public orders::v1::OrdersService::Service {
  static std::string domain() { return "livedrop-orders"; }
  LIVEDROP_FAKE_RPC(orders::v1, PlaceOrder, place_order)
  LIVEDROP_FAKE_RPC(orders::v1, GetOrder, get_order)
  LIVEDROP_FAKE_RPC(orders::v1, ListOrders, list_orders)
  LIVEDROP_FAKE_RPC(orders::v1, CancelOrder, cancel_order)
};

#undef LIVEDROP_FAKE_RPC

}  // namespace livedrop::gateway::fakes
