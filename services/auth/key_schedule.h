#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "auth_logic.h"

namespace livedrop::auth {

// When signing keys are made, sign, are published and are retired. A key is published (in the
// JWKS) from the moment it is made but signs only from its activates_at, `publish_lead` later,
// so every gateway has fetched it before the first token signed with it arrives; it signs for
// `rotation`; the key it replaces stays published for `retain` (the lifetime of the tokens it
// signed, plus clock skew) and is then retired.
struct KeySchedule {
  std::chrono::milliseconds rotation;
  std::chrono::milliseconds publish_lead;
  std::chrono::milliseconds retain;
};

// What to do with the stored keys at `now` (rules only; AuthApp::RotateKeys applies them).
struct KeyPlan {
  bool create = false;               // make a new key, signing from new_key_activates_at
  TimePoint new_key_activates_at;    // the first key signs at once: no token needs it yet
  std::vector<std::string> retire;   // kids to retire: nothing they signed is valid any more
  std::vector<StoredKey> published;  // the rest, the newest activation first
};

// `keys`: the keys not yet retired, in any order.
KeyPlan PlanKeys(std::vector<StoredKey> keys, TimePoint now, const KeySchedule& schedule);

// The key that signs at `now`: the newest one already active, or null if there is none.
// `newest_first` as KeyPlan::published orders them.
const StoredKey* SigningKeyAt(const std::vector<StoredKey>& newest_first, TimePoint now);

}  // namespace livedrop::auth
