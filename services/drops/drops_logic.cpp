#include "drops_logic.h"

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <string_view>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/text.h"

namespace livedrop::drops {
namespace {

// ISO 4217 codes accepted for prices (the ones a card processor commonly settles in).
constexpr std::array<std::string_view, 32> kCurrencies = {
    "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF",
    "IDR", "ILS", "INR", "JPY", "KRW", "MXN", "MYR", "NOK", "NZD", "PHP", "PLN",
    "RON", "SEK", "SGD", "THB", "TRY", "TWD", "UAH", "USD", "VND", "ZAR"};

constexpr std::array<std::pair<DropStatus, const char*>, 5> kStatusNames = {{
    {DropStatus::kScheduled, "scheduled"},
    {DropStatus::kLive, "live"},
    {DropStatus::kSoldOut, "sold_out"},
    {DropStatus::kEnded, "ended"},
    {DropStatus::kCancelled, "cancelled"},
}};

std::size_t CodePoints(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// An absolute https URL with a host, as RFC 3986 parses it (Boost.URL): no spaces, no control
// characters, no other scheme (javascript:, data:, http:).
bool IsHttpsUrl(const std::string& text) {
  const auto url = boost::urls::parse_uri(text);
  return url && url->scheme_id() == boost::urls::scheme::https && url->has_authority() &&
         !url->host().empty();
}

}  // namespace

const char* StatusName(DropStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "scheduled";
}

std::optional<DropStatus> ParseStatus(const std::string& name) {
  for (const auto& [s, n] : kStatusNames) {
    if (name == n) return s;
  }
  return std::nullopt;
}

bool IsKnownCurrency(const std::string& code) {
  return std::find(kCurrencies.begin(), kCurrencies.end(), code) != kCurrencies.end();
}

void ValidateProduct(const NewProduct& p) {
  RequirePlainText("title", p.title);
  RequirePlainText("description", p.description, TextKind::kMultiline);
  RequirePlainText("currency", p.currency);
  if (Blank(p.title)) throw ValidationError("title", "title must not be empty");
  if (CodePoints(p.title) > kMaxTitle) {
    throw ValidationError("title", "title must be at most 200 characters");
  }
  if (CodePoints(p.description) > kMaxDescription) {
    throw ValidationError("description", "description must be at most 5000 characters");
  }
  if (p.unit_amount < 0) throw ValidationError("unit_amount", "unit_amount must not be negative");
  if (p.unit_amount > kMaxUnitAmount) {
    throw ValidationError("unit_amount", "unit_amount is too large");
  }
  if (!IsKnownCurrency(p.currency)) {
    throw ValidationError("currency", "currency must be an ISO 4217 code such as USD or EUR");
  }
  if (p.image_urls.size() > kMaxImages) {
    throw ValidationError("image_urls", "at most 10 image URLs");
  }
  for (const auto& url : p.image_urls) {
    if (url.size() > kMaxImageUrl || !IsHttpsUrl(url)) {
      throw ValidationError("image_urls",
                            "image_urls must hold https URLs of at most 2048 bytes, one per item");
    }
  }
}

void ValidateDrop(const NewDrop& d, TimePoint now) {
  if (d.ends_at <= d.starts_at) throw ValidationError("ends_at", "ends_at must be after starts_at");
  if (d.ends_at <= now) throw ValidationError("ends_at", "ends_at must be in the future");
  if (d.quantity < 1 || d.quantity > kMaxQuantity) {
    throw ValidationError("quantity", "quantity must be between 1 and 1000000");
  }
  if (d.per_buyer_limit < 1) {
    throw ValidationError("per_buyer_limit", "per_buyer_limit must be positive");
  }
  if (d.per_buyer_limit > d.quantity) {
    throw ValidationError("per_buyer_limit", "per_buyer_limit must not exceed quantity");
  }
}

void RequireCreator(const std::string& creator_id) {
  if (!IsUuid(creator_id)) throw UnauthenticatedError("a creator id is required");
}

void RequireOwnProduct(const ProductRow& product, const std::string& creator_id) {
  if (product.creator_id != creator_id) {
    throw Error(ErrorKind::kPermissionDenied, "not_your_product",
                "a drop can only be made of your own product");
  }
}

bool CanCancel(DropStatus status) {
  return status == DropStatus::kScheduled || status == DropStatus::kLive ||
         status == DropStatus::kSoldOut;
}

void RequireCancellable(const DropRow& drop, const std::string& creator_id) {
  if (drop.creator_id != creator_id) {
    throw Error(ErrorKind::kPermissionDenied, "not_your_drop",
                "only the drop's creator can cancel it");
  }
  if (!CanCancel(drop.status)) {
    throw Error(ErrorKind::kFailedPrecondition, "drop_not_cancellable",
                std::string("a drop that is ") + StatusName(drop.status) + " cannot be cancelled");
  }
}

StatusMove MoveFor(StockSignal signal) {
  switch (signal) {
    case StockSignal::kSoldOut:
      return {DropStatus::kLive, DropStatus::kSoldOut};
    case StockSignal::kRestocked:
      return {DropStatus::kSoldOut, DropStatus::kLive};
  }
  return {DropStatus::kLive, DropStatus::kSoldOut};
}

std::chrono::microseconds SleepBeforeNextPass(std::optional<TimePoint> next_due, TimePoint now,
                                              std::chrono::milliseconds max_sleep) {
  const std::chrono::microseconds longest = max_sleep;
  if (!next_due) return longest;
  const auto until = std::chrono::duration_cast<std::chrono::microseconds>(*next_due - now);
  return std::clamp(until, std::chrono::microseconds::zero(), longest);
}

}  // namespace livedrop::drops
