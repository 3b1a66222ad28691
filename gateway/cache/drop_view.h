#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "livedrop/drops/v1/drops.pb.h"

namespace livedrop::gateway {

// One drop as GET /v1/drops/{id} shows it, ready to send: the drop as livedrop-drops knows it
// (with its product) and `available` from livedrop-inventory, rendered once.
struct DropView {
  drops::v1::Drop drop;            // available is inventory's; status as drops knows it
  std::int64_t stock_version = 0;  // inventory's version of that stock
  std::uint64_t drop_mark = 0;     // the store's generation when `drop` last changed
  std::chrono::steady_clock::time_point expires_at;  // the TTL backstop, from the last load
  std::string body;  // views::Drop, serialized (sold_out derived there)
  std::string etag;  // of body
};

}  // namespace livedrop::gateway
