#pragma once

#include <string>
#include <vector>

namespace livedrop::pg {

class Pool;

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Applies, in version order, the migrations of `track` not yet applied — each in its own
// transaction, recorded in <schema>.schema_migrations(track, version, name, checksum,
// applied_at). A transaction-scoped advisory lock per schema+track serializes instances that
// start together: the second finds them applied and does nothing. An applied migration whose
// SQL has changed fails fast (Error kInternal "migration_checksum_mismatch"): migrations are
// forward-only. Returns how many were applied.
int Migrate(Pool& pool, const std::string& track, const std::vector<Migration>& migrations);

}  // namespace livedrop::pg
