#include "routes/views.h"

#include <google/protobuf/timestamp.pb.h>

#include <boost/json.hpp>

#include "livedrop/core/time.h"
#include "livedrop/grpc/proto_values.h"

namespace livedrop::gateway::views {

using rpc::Rfc3339;

const char* RoleName(auth::v1::Role role) {
  switch (role) {
    case auth::v1::ROLE_BUYER:
      return "buyer";
    case auth::v1::ROLE_CREATOR:
      return "creator";
    case auth::v1::ROLE_ADMIN:
      return "admin";
    default:
      return "unknown";
  }
}

boost::json::object User(const auth::v1::User& user) {
  return {{"id", user.id()},
          {"email", user.email()},
          {"display_name", user.display_name()},
          {"role", RoleName(user.role())},
          {"created_at", Rfc3339(user.created_at())}};
}

boost::json::object Creator(const auth::v1::User& user,
                            const followers::v1::GetCountsResponse& counts) {
  return {{"id", user.id()},
          {"display_name", user.display_name()},
          {"follower_count", counts.follower_count()},
          {"following_count", counts.following_count()}};
}

boost::json::object FollowState(const std::string& creator_id, bool following,
                                const google::protobuf::Timestamp* since) {
  boost::json::object o{{"creator_id", creator_id}, {"following", following}};
  if (following && since != nullptr) o["since"] = Rfc3339(*since);
  return o;
}

boost::json::object Follower(const followers::v1::Follow& follow) {
  return {{"user_id", follow.follower_id()}, {"since", Rfc3339(follow.since())}};
}

boost::json::object Following(const followers::v1::Follow& follow) {
  return {{"creator_id", follow.creator_id()}, {"since", Rfc3339(follow.since())}};
}

boost::json::object Session(const auth::v1::User& user, const auth::v1::TokenPair& tokens) {
  return {{"user", User(user)},
          {"access_token", tokens.access_token()},
          {"refresh_token", tokens.refresh_token()},
          {"expires_in", tokens.expires_in()},
          {"token_type", tokens.token_type()}};
}

boost::json::object ProductImage(const drops::v1::ProductImage& image) {
  boost::json::object out{{"id", image.id()}, {"status", rpc::EnumCode(image.status())}};
  if (image.status() == drops::v1::IMAGE_STATUS_READY) {
    boost::json::array variants;
    for (const auto& v : image.variants()) {
      variants.push_back({{"width", v.width()}, {"height", v.height()}, {"url", v.url()}});
    }
    out["width"] = image.width();
    out["height"] = image.height();
    out["url"] = image.url();
    out["variants"] = std::move(variants);
  } else if (image.status() == drops::v1::IMAGE_STATUS_FAILED) {
    out["failure"] = image.failure();
  }
  return out;
}

boost::json::object Product(const drops::v1::Product& p) {
  boost::json::array urls;
  for (const auto& url : p.image_urls()) urls.emplace_back(url);
  boost::json::array images;
  for (const auto& image : p.images()) images.push_back(ProductImage(image));
  return {{"id", p.id()},
          {"creator_id", p.creator_id()},
          {"title", p.title()},
          {"description", p.description()},
          {"unit_amount", p.price().unit_amount()},
          {"currency", p.price().currency()},
          {"image_urls", std::move(urls)},
          {"images", std::move(images)},
          {"created_at", Rfc3339(p.created_at())}};
}

std::string DropStatusName(drops::v1::DropStatus status) { return rpc::EnumCode(status); }

drops::v1::DropStatus ShownStatus(const drops::v1::Drop& d) {
  if (d.status() == drops::v1::DROP_STATUS_LIVE && d.available() == 0) {
    return drops::v1::DROP_STATUS_SOLD_OUT;
  }
  return d.status();
}

boost::json::object Drop(const drops::v1::Drop& d) {
  boost::json::object o{{"id", d.id()},
                        {"creator_id", d.creator_id()},
                        {"product_id", d.product_id()},
                        {"starts_at", Rfc3339(d.starts_at())},
                        {"ends_at", Rfc3339(d.ends_at())},
                        {"quantity", d.quantity()},
                        {"per_buyer_limit", d.per_buyer_limit()},
                        {"status", DropStatusName(ShownStatus(d))},
                        {"available", d.available()}};
  if (d.has_product()) o["product"] = Product(d.product());
  return o;
}

std::string OrderStatusName(orders::v1::OrderStatus status) { return rpc::EnumCode(status); }

boost::json::object Order(const orders::v1::Order& o) {
  boost::json::object out{{"id", o.id()},
                          {"status", OrderStatusName(o.status())},
                          {"drop_id", o.drop_id()},
                          {"quantity", o.quantity()},
                          {"amount", o.amount()},
                          {"currency", o.currency()},
                          {"created_at", Rfc3339(o.created_at())},
                          {"refunded", o.refunded()}};
  if (!o.failure_code().empty()) out["failure_code"] = o.failure_code();
  return out;
}

}  // namespace livedrop::gateway::views
