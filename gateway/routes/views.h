#pragma once

#include <boost/json/object.hpp>

#include "livedrop/auth/v1/auth.pb.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/followers/v1/followers.pb.h"
#include "livedrop/orders/v1/orders.pb.h"

namespace google::protobuf {
class Timestamp;
}

// Proto → public JSON shapes (snake_case, RFC 3339 UTC times), one function per resource.
namespace livedrop::gateway::views {

const char* RoleName(auth::v1::Role role);

boost::json::object User(const auth::v1::User& user);
// {id, display_name, follower_count, following_count}: a creator's public profile.
boost::json::object Creator(const auth::v1::User& user,
                            const followers::v1::GetCountsResponse& counts);
// {creator_id, following[, since]}
boost::json::object FollowState(const std::string& creator_id, bool following,
                                const google::protobuf::Timestamp* since);
boost::json::object Follower(const followers::v1::Follow& follow);   // {user_id, since}
boost::json::object Following(const followers::v1::Follow& follow);  // {creator_id, since}
// {user, access_token, refresh_token, expires_in, token_type}
boost::json::object Session(const auth::v1::User& user, const auth::v1::TokenPair& tokens);

// {id, creator_id, title, description, unit_amount, currency, image_urls, images, created_at}
// images: the ready ones, each ProductImage; image_urls: what older products were given.
boost::json::object Product(const drops::v1::Product& product);
// {id, status, width, height, url, variants: [{width, height, url}]} (URLs on the CDN; a
// failed image has `failure` instead of its sizes and URLs).
boost::json::object ProductImage(const drops::v1::ProductImage& image);
// {id, creator_id, product_id, starts_at, ends_at, quantity, per_buyer_limit, status,
//  available[, product]}
// status is ShownStatus(drop).
boost::json::object Drop(const drops::v1::Drop& drop);
std::string DropStatusName(drops::v1::DropStatus status);
// The status a view shows: sold_out for a live drop with nothing available (drops learns of a
// sell-out only through an event, after inventory committed it), else the drop's own.
drops::v1::DropStatus ShownStatus(const drops::v1::Drop& drop);

// {id, status, drop_id, quantity, amount, currency, created_at, refunded[, failure_code]}
boost::json::object Order(const orders::v1::Order& order);
std::string OrderStatusName(orders::v1::OrderStatus status);

}  // namespace livedrop::gateway::views
