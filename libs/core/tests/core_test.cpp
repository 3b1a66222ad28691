#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/core/periodic.h"
#include "livedrop/core/time.h"
#include "livedrop/testing/errors.h"

namespace livedrop {
namespace {

using testing::ErrorCodeOf;

TEST(Paging, PageSize_DefaultsAndBounds) {
  EXPECT_EQ(PageSize(0), kDefaultPageSize);
  EXPECT_EQ(PageSize(1), 1);
  EXPECT_EQ(PageSize(kMaxPageSize), kMaxPageSize);
  EXPECT_EQ(ErrorCodeOf([] { PageSize(-1); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([] { PageSize(kMaxPageSize + 1); }), "validation_failed");
}

TEST(Paging, Cursor_RoundTripsAndIsOpaque) {
  const auto cursor = EncodeCursor(123456789);
  EXPECT_EQ(cursor.find("123456789"), std::string::npos);
  EXPECT_EQ(DecodeCursor(cursor), 123456789);
  EXPECT_EQ(DecodeCursor(""), std::nullopt);
}

TEST(Paging, Cursor_RejectsForgeries) {
  EXPECT_EQ(ErrorCodeOf([] { DecodeCursor("!!!"); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([] { DecodeCursor("eHl6"); }), "validation_failed");  // "xyz"
  EXPECT_EQ(ErrorCodeOf([] { DecodeCursor(EncodeCursor(0)); }), "validation_failed");
}

TEST(Uuid, NewUuid_IsCanonicalVersion4AndUnique) {
  const auto a = NewUuid();
  const auto b = NewUuid();
  EXPECT_TRUE(IsUuid(a));
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, b);
}

TEST(Uuid, IsUuid_RejectsMalformed) {
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("not-a-uuid"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_FALSE(IsUuid("123e4567e89b-12d3-a456-4266141740000"));
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
}

TEST(Base64Url, RoundTripsBinaryWithoutPadding) {
  const std::string bytes("\xff\xfe\x00\x01?>", 6);
  const auto text = Base64UrlEncode(bytes);
  EXPECT_EQ(text.find('='), std::string::npos);
  EXPECT_EQ(text.find('+'), std::string::npos);
  std::string back;
  ASSERT_TRUE(Base64UrlDecode(text, back));
  EXPECT_EQ(back, bytes);
}

TEST(Base64Url, Decode_RejectsGarbage) {
  std::string out;
  EXPECT_FALSE(Base64UrlDecode("a*b", out));
}

TEST(Rfc3339, FormatThenParse_RoundTripsToTheMillisecond) {
  const auto t = ParseRfc3339("2026-11-25T10:20:30.456Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatRfc3339(*t), "2026-11-25T10:20:30.456Z");
}

TEST(Rfc3339, Parse_AppliesNumericOffset) {
  const auto a = ParseRfc3339("2026-11-25T12:00:00+02:00");
  const auto b = ParseRfc3339("2026-11-25T10:00:00Z");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(Rfc3339, Parse_RejectsMalformed) {
  EXPECT_FALSE(ParseRfc3339("2026-11-25"));
  EXPECT_FALSE(ParseRfc3339("2026-13-25T10:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-02-30T10:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-11-25T10:00:00"));
  EXPECT_FALSE(ParseRfc3339("2026-11-25T10:00:00Zjunk"));
}

TEST(Error, ValidationError_CarriesFieldAndStableCode) {
  const auto e = ValidationError("email", "email is malformed");
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(e.metadata().at("field"), "email");
  EXPECT_STREQ(e.what(), "email is malformed");
}

TEST(Periodic, ThrowingPass_DoesNotStopLaterPasses) {
  std::atomic<int> passes{0};
  std::promise<void> third;
  Periodic task("test pass", std::chrono::milliseconds(1), [&] {
    const int n = ++passes;
    if (n == 3) third.set_value();
    if (n < 3) throw std::runtime_error("boom");
  });
  task.Start();
  ASSERT_EQ(third.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  task.Stop();
  EXPECT_GE(passes.load(), 3);
}

TEST(Periodic, Wake_RunsTheNextPassBeforeTheInterval) {
  std::atomic<int> passes{0};
  std::promise<void> second;
  Periodic task("test pass", std::chrono::hours(1), [&] {
    if (++passes == 2) second.set_value();
  });
  task.Start();
  while (passes.load() < 1) std::this_thread::yield();
  task.Wake();
  EXPECT_EQ(second.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  task.Stop();  // returns although the interval is an hour
}

TEST(RequireUuid, RejectsNonUuids) {
  EXPECT_EQ(ErrorCodeOf([] { RequireUuid("user_id", "11111111-1111-4111-8111-111111111111"); }),
            "none");
  EXPECT_EQ(ErrorCodeOf([] { RequireUuid("user_id", "not-a-uuid"); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([] { RequireUuid("user_id", ""); }), "validation_failed");
}

}  // namespace
}  // namespace livedrop
