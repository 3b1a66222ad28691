#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "livedrop/core/time.h"

// Product and drop rules with no I/O.
namespace livedrop::drops {

inline constexpr std::size_t kMaxTitle = 200;
inline constexpr std::size_t kMaxDescription = 5000;
inline constexpr std::size_t kMaxImages = 10;
inline constexpr std::size_t kMaxImageUrl = 2048;
inline constexpr std::int64_t kMaxUnitAmount = 100'000'000'00;  // 100 million in major units
inline constexpr int kMaxQuantity = 1'000'000;

enum class DropStatus { kScheduled, kLive, kSoldOut, kEnded, kCancelled };

const char* StatusName(DropStatus status);
std::optional<DropStatus> ParseStatus(const std::string& name);

struct NewProduct {
  std::string title;
  std::string description;
  std::int64_t unit_amount = 0;
  std::string currency;
  std::vector<std::string> image_urls;
};

struct NewDrop {
  TimePoint starts_at;
  TimePoint ends_at;
  int quantity = 0;
  int per_buyer_limit = 0;
};

bool IsKnownCurrency(const std::string& code);

// Throw livedrop::Error(kInvalidArgument, "validation_failed") naming the field.
void ValidateProduct(const NewProduct& product);
void ValidateDrop(const NewDrop& drop, TimePoint now);

// Cancelling is allowed until the drop has ended (or was cancelled already).
bool CanCancel(DropStatus status);

}  // namespace livedrop::drops
