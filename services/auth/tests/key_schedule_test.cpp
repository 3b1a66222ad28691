// The signing-key schedule, without a database: when keys are made, which one signs, what is
// published and when a replaced key is retired.
#include "key_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace livedrop::auth {
namespace {

using namespace std::chrono_literals;

const KeySchedule kSchedule{24h, 10min, 16min};
const TimePoint kT0 = TimePoint(std::chrono::microseconds(1'700'000'000'000'000));

StoredKey Key(const std::string& kid, TimePoint created, TimePoint activates) {
  return StoredKey{kid, "pub-" + kid, "sec-" + kid, created, activates};
}

std::vector<std::string> Kids(const std::vector<StoredKey>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.kid);
  return out;
}

TEST(KeySchedule, NoKeys_MakesTheFirstSigningAtOnce) {
  const auto plan = PlanKeys({}, kT0, kSchedule);
  EXPECT_TRUE(plan.create);
  EXPECT_EQ(plan.new_key_activates_at, kT0);
}

TEST(KeySchedule, FreshKey_SignsAloneAndNothingIsDue) {
  const auto plan = PlanKeys({Key("a", kT0, kT0)}, kT0 + 1h, kSchedule);
  EXPECT_FALSE(plan.create);
  EXPECT_TRUE(plan.retire.empty());
  EXPECT_EQ(Kids(plan.published), std::vector<std::string>{"a"});
  EXPECT_EQ(SigningKeyAt(plan.published, kT0 + 1h)->kid, "a");
}

TEST(KeySchedule, RotationDue_MakesTheNextKeyToSignWhenTheCurrentOnesTurnEnds) {
  // Due publish_lead before the turn ends; the new key signs exactly at its end.
  EXPECT_FALSE(PlanKeys({Key("a", kT0, kT0)}, kT0 + 24h - 10min - 1s, kSchedule).create);
  const auto plan = PlanKeys({Key("a", kT0, kT0)}, kT0 + 24h - 10min, kSchedule);
  EXPECT_TRUE(plan.create);
  EXPECT_EQ(plan.new_key_activates_at, kT0 + 24h);
}

TEST(KeySchedule, RotationLongOverdue_TheNewKeyStillWaitsThePublishLead) {
  // Auth was down past the end of the turn: the new key must be published before it signs.
  const auto plan = PlanKeys({Key("a", kT0, kT0)}, kT0 + 72h, kSchedule);
  EXPECT_TRUE(plan.create);
  EXPECT_EQ(plan.new_key_activates_at, kT0 + 72h + 10min);
}

TEST(KeySchedule, PublishedSuccessor_IsShownButDoesNotSignBeforeItsTime) {
  const std::vector<StoredKey> keys{Key("a", kT0, kT0), Key("b", kT0 + 23h, kT0 + 24h)};
  const auto plan = PlanKeys(keys, kT0 + 23h + 1min, kSchedule);
  EXPECT_FALSE(plan.create);  // one successor is enough
  EXPECT_EQ(Kids(plan.published), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(SigningKeyAt(plan.published, kT0 + 24h - 1s)->kid, "a");
  EXPECT_EQ(SigningKeyAt(plan.published, kT0 + 24h)->kid, "b");
}

TEST(KeySchedule, ReplacedKey_StaysPublishedUntilItsTokensExpireThenIsRetired) {
  const std::vector<StoredKey> keys{Key("a", kT0, kT0), Key("b", kT0 + 23h, kT0 + 24h)};
  const auto kept = PlanKeys(keys, kT0 + 24h + 16min - 1s, kSchedule);
  EXPECT_EQ(Kids(kept.published), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(kept.retire.empty());
  const auto retired = PlanKeys(keys, kT0 + 24h + 16min, kSchedule);
  EXPECT_EQ(Kids(retired.published), std::vector<std::string>{"b"});
  EXPECT_EQ(retired.retire, std::vector<std::string>{"a"});
}

// The whole life of many keys, planned every reload the way AuthApp::RotateKeys applies plans:
// whatever the moment, the key that signs was published at least publish_lead earlier (every
// gateway had it), and each key stays published for `retain` after its last signature (every
// token it signed verifies until it expires).
TEST(KeySchedule, ManyRotations_EverySignerPublishedFirstAndKeptUntilItsTokensExpire) {
  const KeySchedule fast{10s, 3s, 5s};
  std::vector<StoredKey> stored;  // not retired
  std::map<std::string, TimePoint> published_since, last_signed;
  std::map<std::string, TimePoint> unpublished_at;
  int made = 0;
  for (TimePoint now = kT0; now < kT0 + 120s; now += 250ms) {
    auto plan = PlanKeys(stored, now, fast);
    if (plan.create) {
      stored.push_back(Key("k" + std::to_string(made++), now, plan.new_key_activates_at));
      plan = PlanKeys(stored, now, fast);
    }
    for (const auto& kid : plan.retire) {
      unpublished_at[kid] = now;
      stored.erase(std::remove_if(stored.begin(), stored.end(),
                                  [&](const StoredKey& k) { return k.kid == kid; }),
                   stored.end());
    }
    for (const auto& k : plan.published) published_since.emplace(k.kid, now);
    const StoredKey* signer = SigningKeyAt(plan.published, now);
    ASSERT_NE(signer, nullptr);
    if (made > 1) {
      EXPECT_GE(now - published_since.at(signer->kid), fast.publish_lead - 250ms) << signer->kid;
    }
    last_signed[signer->kid] = now;
  }
  EXPECT_GE(made, 11);  // a key every 10 s for 120 s
  EXPECT_GE(unpublished_at.size(), 9u);
  for (const auto& [kid, at] : unpublished_at) {
    EXPECT_GE(at - last_signed.at(kid), fast.retain) << kid;
  }
}

}  // namespace
}  // namespace livedrop::auth
