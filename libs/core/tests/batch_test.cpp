#include "livedrop/core/batch.h"

#include <gtest/gtest.h>

#include "livedrop/core/error.h"

namespace livedrop {
namespace {

using Ids = std::vector<std::string>;

constexpr char kA[] = "00000000-0000-4000-8000-00000000000a";
constexpr char kB[] = "00000000-0000-4000-8000-00000000000b";
constexpr char kC[] = "00000000-0000-4000-8000-00000000000c";

TEST(Batch, BatchUuids_KeepsFirstAppearanceOrderAndAnswersRepeatsOnce) {
  EXPECT_EQ(BatchUuids({kC, kA, kC, kB, kA}, "ids"), (Ids{kC, kA, kB}));
  EXPECT_EQ(BatchUuids({}, "ids"), Ids{});
}

TEST(Batch, BatchUuids_LeavesOutWhatIsNotAUuid) {
  EXPECT_EQ(BatchUuids({"nope", kA, "", "00000000-0000-4000-8000-00000000000", kB}, "ids"),
            (Ids{kA, kB}));
}

TEST(Batch, BatchUuids_UpperCase_IsTheSameIdInCanonicalForm) {
  EXPECT_EQ(BatchUuids({"00000000-0000-4000-8000-00000000000A", kA, kB}, "ids"), (Ids{kA, kB}));
}

TEST(Batch, BatchUuids_AtTheBound_Passes) {
  EXPECT_EQ(BatchUuids(Ids(kMaxBatchSize, kA), "ids"), Ids{kA});
}

TEST(Batch, BatchUuids_PastTheBound_IsValidationFailedOnTheField) {
  const Ids ids(kMaxBatchSize + 1, kA);  // repeats count: the bound is on the request
  try {
    BatchUuids(ids, "user_ids");
    FAIL() << "201 ids were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_EQ(e.code(), "validation_failed");
    EXPECT_EQ(e.metadata().at("field"), "user_ids");
  }
}

}  // namespace
}  // namespace livedrop
