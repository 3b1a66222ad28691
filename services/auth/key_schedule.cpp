#include "key_schedule.h"

#include <algorithm>

namespace livedrop::auth {

KeyPlan PlanKeys(std::vector<StoredKey> keys, TimePoint now, const KeySchedule& schedule) {
  KeyPlan plan;
  std::sort(keys.begin(), keys.end(), [](const StoredKey& a, const StoredKey& b) {
    if (a.activates_at != b.activates_at) return a.activates_at > b.activates_at;
    return a.created_at > b.created_at;
  });
  const auto signer = std::find_if(keys.begin(), keys.end(),
                                   [&](const StoredKey& k) { return k.activates_at <= now; });
  if (keys.empty()) {
    plan.create = true;
    plan.new_key_activates_at = now;
    return plan;
  }
  if (signer == keys.begin() &&
      now >= signer->activates_at + schedule.rotation - schedule.publish_lead) {
    // No successor is published yet and one is due: it signs once every gateway can know it,
    // and not before the current key's turn ends.
    plan.create = true;
    plan.new_key_activates_at =
        std::max(now + schedule.publish_lead, signer->activates_at + schedule.rotation);
  }
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    // A key older than the signer was replaced when the key after it began to sign; its tokens
    // live `retain` past that.
    const bool replaced = signer != keys.end() && it > signer;
    if (replaced && now >= (it - 1)->activates_at + schedule.retain) {
      plan.retire.push_back(it->kid);
    } else {
      plan.published.push_back(*it);
    }
  }
  return plan;
}

const StoredKey* SigningKeyAt(const std::vector<StoredKey>& newest_first, TimePoint now) {
  for (const auto& key : newest_first) {
    if (key.activates_at <= now) return &key;
  }
  return nullptr;
}

}  // namespace livedrop::auth
