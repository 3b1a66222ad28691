#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "livedrop/core/time.h"

// Products, drops and their rules, with no I/O: validation, who may do what, the lifecycle,
// how inventory's word moves a drop, and when the scheduler looks next.
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

// A ready product image as views list it: CDN URLs of the original and its variants.
struct ImageVariantView {
  int width = 0;
  int height = 0;
  std::string url;
};
struct ImageView {
  std::string id;
  int width = 0;
  int height = 0;
  std::string url;
  std::vector<ImageVariantView> variants;
};

struct ProductRow {
  std::string id;
  std::string creator_id;
  NewProduct fields;
  TimePoint created_at;
  std::vector<ImageView> images;  // ready ones, oldest first
  std::int64_t version = 1;       // bumped when its images change (caches keep the newest)
};

struct DropRow {
  std::string id;
  std::string creator_id;
  std::string product_id;
  NewDrop fields;
  DropStatus status = DropStatus::kScheduled;
  std::int64_t version = 0;
  std::int64_t seq = 0;
};

struct DropFilter {
  std::optional<DropStatus> status;
  std::string creator_id;  // empty: any
};

bool IsKnownCurrency(const std::string& code);

// Throw livedrop::Error(kInvalidArgument, "validation_failed") naming the field.
void ValidateProduct(const NewProduct& product);
void ValidateDrop(const NewDrop& drop, TimePoint now);

// The acting creator's id, passed by the gateway from the verified token: unauthenticated
// when it is not a UUID.
void RequireCreator(const std::string& creator_id);
// A drop can only be made of one's own product (permission_denied not_your_product).
void RequireOwnProduct(const ProductRow& product, const std::string& creator_id);

// Cancelling is allowed until the drop has ended (or was cancelled already).
bool CanCancel(DropStatus status);
// Only the drop's creator cancels it (not_your_drop), and only while CanCancel
// (failed_precondition drop_not_cancellable).
void RequireCancellable(const DropRow& drop, const std::string& creator_id);

// What inventory says about a drop's stock, and the move it makes: sold_out moves a live
// drop to sold_out, restocked moves a sold-out drop back to live. Any other status stays.
enum class StockSignal { kSoldOut, kRestocked };
struct StatusMove {
  DropStatus from;
  DropStatus to;
};
StatusMove MoveFor(StockSignal signal);

// How long the scheduler sleeps after a pass: until the next due instant, never longer than
// max_sleep (so drops created by another instance are seen quickly), nothing when overdue.
std::chrono::microseconds SleepBeforeNextPass(std::optional<TimePoint> next_due, TimePoint now,
                                              std::chrono::milliseconds max_sleep);

}  // namespace livedrop::drops
