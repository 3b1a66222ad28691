#include "livedrop/core/batch.h"

#include <unordered_set>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop {

std::vector<std::string> BatchUuids(const std::vector<std::string>& ids, const std::string& field) {
  if (ids.size() > static_cast<std::size_t>(kMaxBatchSize)) {
    throw ValidationError(field, field + " takes at most " + std::to_string(kMaxBatchSize) +
                                     " ids, got " + std::to_string(ids.size()));
  }
  std::vector<std::string> uuids;
  uuids.reserve(ids.size());
  std::unordered_set<std::string> seen;
  for (const auto& id : ids) {
    if (!IsUuid(id)) continue;
    std::string canonical = id;
    for (char& c : canonical) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    if (seen.insert(canonical).second) uuids.push_back(std::move(canonical));
  }
  return uuids;
}

}  // namespace livedrop
