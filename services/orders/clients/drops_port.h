#pragma once

#include <string>

#include "orders_logic.h"

namespace livedrop::orders {

// What orders asks of livedrop-drops: the terms a drop is sold on.
class DropsPort {
 public:
  virtual ~DropsPort() = default;
  // Throws not_found for an unknown drop, unavailable / deadline_exceeded when drops cannot
  // answer now.
  virtual DropTerms GetDrop(const std::string& drop_id) = 0;
};

}  // namespace livedrop::orders
