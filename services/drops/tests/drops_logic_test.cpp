#include "drops_logic.h"

#include <gtest/gtest.h>

#include "livedrop/testing/errors.h"

namespace livedrop::drops {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;

NewProduct Product() { return NewProduct{"Tee", "A shirt", 2500, "EUR", {"https://img/x.png"}}; }

std::string FieldOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.metadata().count("field") ? e.metadata().at("field") : e.code();
  }
  return "";
}

TEST(DropsLogic, ValidProduct_Passes) {
  EXPECT_EQ(FieldOf([] { ValidateProduct(Product()); }), "");
}

TEST(DropsLogic, ProductErrors_NameTheField) {
  auto p = Product();
  p.title = "  ";
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "title");
  p = Product();
  p.title = std::string(201, 'x');
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "title");
  p = Product();
  p.unit_amount = -1;
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "unit_amount");
  p = Product();
  p.currency = "XYZ";
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "currency");
  p = Product();
  p.description = std::string(5001, 'd');
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "description");
  p = Product();
  p.image_urls = {"ftp://nope"};
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "image_urls");
}

TEST(DropsLogic, ControlCharactersAndNonHttpsUrls_AreRefusedNamingTheField) {
  for (const char* url : {"https://a.example/x.png\njavascript:alert(1)", "javascript:alert(1)",
                          "http://a.example/x.png", "https://", "https:///x.png",
                          "https://a.example/x y.png", "data:image/png;base64,AAAA"}) {
    auto p = Product();
    p.image_urls = {"https://ok.example/1.png", url};
    EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "image_urls") << url;
  }
  auto p = Product();
  p.image_urls = {"https://cdn.example/a/b.png?w=1,2&h=3#top", "https://[::1]:8443/x.png"};
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "");
  p = Product();
  p.title = std::string("a\0b", 3);
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "title");
  p = Product();
  p.description = "line\nbreaks\tand tabs";
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "");
  p.description = "escape\x1b[2J";
  EXPECT_EQ(FieldOf([&] { ValidateProduct(p); }), "description");
}

TEST(DropsLogic, DropErrors_NameTheField) {
  const TimePoint now = Now();
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now + 1min, now + 2min, 10, 2}, now); }), "");
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now + 2min, now + 1min, 10, 2}, now); }), "ends_at");
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now - 2min, now - 1min, 10, 2}, now); }), "ends_at");
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now + 1min, now + 2min, 0, 1}, now); }), "quantity");
  EXPECT_EQ(FieldOf([&] {
              ValidateDrop({now + 1min, now + 2min, 10, 0}, now);
            }),
            "per_buyer_limit");
  EXPECT_EQ(FieldOf([&] {
              ValidateDrop({now + 1min, now + 2min, 10, 11}, now);
            }),
            "per_buyer_limit");
}

TEST(DropsLogic, Lifecycle_CancelOnlyBeforeTheEnd) {
  EXPECT_TRUE(CanCancel(DropStatus::kScheduled));
  EXPECT_TRUE(CanCancel(DropStatus::kLive));
  EXPECT_TRUE(CanCancel(DropStatus::kSoldOut));
  EXPECT_FALSE(CanCancel(DropStatus::kEnded));
  EXPECT_FALSE(CanCancel(DropStatus::kCancelled));
}

TEST(DropsLogic, StatusNames_RoundTrip) {
  for (auto s : {DropStatus::kScheduled, DropStatus::kLive, DropStatus::kSoldOut,
                 DropStatus::kEnded, DropStatus::kCancelled}) {
    EXPECT_EQ(ParseStatus(StatusName(s)), s);
  }
  EXPECT_EQ(ParseStatus("bogus"), std::nullopt);
  EXPECT_EQ(ErrorCodeOf([] {}), "none");
}

}  // namespace
}  // namespace livedrop::drops

namespace livedrop::drops {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;

const std::string kCreator = "7b7e0c3e-2b1e-4f57-9a4f-3f1d7d0e6a11";
const std::string kOther = "0f8a9b1c-5d2e-4a3b-8c7d-6e5f4a3b2c1d";

DropRow DropOf(const std::string& creator, DropStatus status) {
  DropRow row;
  row.creator_id = creator;
  row.status = status;
  return row;
}

TEST(DropsRules, RequireCreator_NotAUuid_IsUnauthenticated) {
  EXPECT_EQ(ErrorCodeOf([] { RequireCreator(""); }), "unauthenticated");
  EXPECT_EQ(ErrorCodeOf([] { RequireCreator("creator-1"); }), "unauthenticated");
  EXPECT_EQ(ErrorCodeOf([] { RequireCreator(kCreator); }), "none");
}

TEST(DropsRules, RequireOwnProduct_AnotherCreatorsProduct_IsNotYourProduct) {
  ProductRow product;
  product.creator_id = kOther;
  EXPECT_EQ(ErrorCodeOf([&] { RequireOwnProduct(product, kCreator); }), "not_your_product");
  product.creator_id = kCreator;
  EXPECT_EQ(ErrorCodeOf([&] { RequireOwnProduct(product, kCreator); }), "none");
}

TEST(DropsRules, RequireCancellable_AnotherCreatorsDrop_IsNotYourDrop) {
  EXPECT_EQ(ErrorCodeOf([] { RequireCancellable(DropOf(kOther, DropStatus::kLive), kCreator); }),
            "not_your_drop");
  // Ownership is checked first: a stranger learns nothing about the drop's state.
  EXPECT_EQ(ErrorCodeOf([] { RequireCancellable(DropOf(kOther, DropStatus::kEnded), kCreator); }),
            "not_your_drop");
}

TEST(DropsRules, RequireCancellable_EndedOrCancelled_IsNotCancellable) {
  EXPECT_EQ(ErrorCodeOf([] { RequireCancellable(DropOf(kCreator, DropStatus::kEnded), kCreator); }),
            "drop_not_cancellable");
  EXPECT_EQ(
      ErrorCodeOf([] { RequireCancellable(DropOf(kCreator, DropStatus::kCancelled), kCreator); }),
      "drop_not_cancellable");
  EXPECT_EQ(
      ErrorCodeOf([] { RequireCancellable(DropOf(kCreator, DropStatus::kSoldOut), kCreator); }),
      "none");
}

TEST(DropsRules, MoveFor_SoldOut_MovesLiveToSoldOut) {
  const auto move = MoveFor(StockSignal::kSoldOut);
  EXPECT_EQ(move.from, DropStatus::kLive);
  EXPECT_EQ(move.to, DropStatus::kSoldOut);
}

TEST(DropsRules, MoveFor_Restocked_MovesSoldOutBackToLive) {
  const auto move = MoveFor(StockSignal::kRestocked);
  EXPECT_EQ(move.from, DropStatus::kSoldOut);
  EXPECT_EQ(move.to, DropStatus::kLive);
}

TEST(DropsRules, SleepBeforeNextPass_NothingPending_IsMaxSleep) {
  EXPECT_EQ(SleepBeforeNextPass(std::nullopt, Now(), 50ms), 50ms);
}

TEST(DropsRules, SleepBeforeNextPass_DueSooner_IsUntilDue) {
  const auto now = Now();
  EXPECT_EQ(SleepBeforeNextPass(now + 7ms, now, 50ms), 7ms);
}

TEST(DropsRules, SleepBeforeNextPass_DueLater_IsCappedAtMaxSleep) {
  const auto now = Now();
  EXPECT_EQ(SleepBeforeNextPass(now + 1h, now, 50ms), 50ms);
}

TEST(DropsRules, SleepBeforeNextPass_Overdue_IsZero) {
  const auto now = Now();
  EXPECT_EQ(SleepBeforeNextPass(now - 1s, now, 50ms), std::chrono::microseconds::zero());
}

}  // namespace
}  // namespace livedrop::drops
