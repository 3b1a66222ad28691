#include <gtest/gtest.h>

#include "drops_logic.h"
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

TEST(DropsLogic, ValidProduct_Passes) { EXPECT_EQ(FieldOf([] { ValidateProduct(Product()); }), ""); }

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

TEST(DropsLogic, DropErrors_NameTheField) {
  const TimePoint now = Now();
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now + 1min, now + 2min, 10, 2}, now); }), "");
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now + 2min, now + 1min, 10, 2}, now); }), "ends_at");
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now - 2min, now - 1min, 10, 2}, now); }), "ends_at");
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now + 1min, now + 2min, 0, 1}, now); }), "quantity");
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now + 1min, now + 2min, 10, 0}, now); }),
            "per_buyer_limit");
  EXPECT_EQ(FieldOf([&] { ValidateDrop({now + 1min, now + 2min, 10, 11}, now); }),
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
