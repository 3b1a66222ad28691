#pragma once

#include <string>
#include <vector>

#include "livedrop/core/paging.h"

// Batch reads by id (GetUsers, GetDrops, ...: the keys of one GraphQL loader round in one call).
namespace livedrop {

// The most ids one batch read takes: a page's worth, so a batch costs no more than a list.
inline constexpr int kMaxBatchSize = kMaxPageSize;

// The UUIDs among `ids`, in canonical (lowercase) form as answers carry them, each once, in the
// order of first appearance. Ids that are not UUIDs are left out: a single get answers them
// not_found, so in a batch they are simply not found. More than kMaxBatchSize ids (repeats and
// malformed ones counted: the bound is on the request) → validation_failed on `field`.
std::vector<std::string> BatchUuids(const std::vector<std::string>& ids, const std::string& field);

}  // namespace livedrop
