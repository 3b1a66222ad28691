#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drops_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::drops {

// The SQL of the drops schema (named constants in drops_store.cpp); every method runs in the
// caller's transaction and returns the rows of drops_logic.h.
class DropsStore {
 public:
  static ProductRow InsertProduct(pqxx::transaction_base& tx, const std::string& id,
                                  const std::string& creator_id, const NewProduct& product);
  static std::optional<ProductRow> FindProduct(pqxx::transaction_base& tx, const std::string& id);
  // products.images rebuilt from its ready images and products.version bumped (a view
  // cached at the old version is replaced); the product as it is now.
  static ProductRow RefreshProductImages(pqxx::transaction_base& tx, const std::string& product_id);
  // The products among `ids` (UUIDs), in no particular order; unknown ids have no row.
  static std::vector<ProductRow> FindProducts(pqxx::transaction_base& tx,
                                              const std::vector<std::string>& ids);

  static DropRow InsertDrop(pqxx::transaction_base& tx, const std::string& id,
                            const std::string& creator_id, const std::string& product_id,
                            const NewDrop& drop);
  static std::optional<DropRow> FindDrop(pqxx::transaction_base& tx, const std::string& id,
                                         bool for_update = false);
  // The drops among `ids` (UUIDs), in no particular order; unknown ids have no row.
  static std::vector<DropRow> FindDrops(pqxx::transaction_base& tx,
                                        const std::vector<std::string>& ids);
  // Newest first, strictly older than before_seq when given.
  static std::vector<DropRow> ListDrops(pqxx::transaction_base& tx, const DropFilter& filter,
                                        std::optional<std::int64_t> before_seq, int limit);

  // Moves a drop to `to` (bumping its version); the caller checked the transition is legal.
  static DropRow SetStatus(pqxx::transaction_base& tx, const std::string& id, DropStatus to);

  // Moves a drop from `from` to `to` if it is in `from`; nothing otherwise.
  static std::optional<DropRow> MoveStatus(pqxx::transaction_base& tx, const std::string& id,
                                           DropStatus from, DropStatus to);

  // The scheduler's steps: each flips at most `limit` due drops and returns them. Rows
  // another instance is flipping right now are skipped (SKIP LOCKED), and the status in the
  // WHERE clause makes every transition happen exactly once.
  static std::vector<DropRow> StartDue(pqxx::transaction_base& tx, int limit);
  static std::vector<DropRow> EndDue(pqxx::transaction_base& tx, int limit);
  // The next instant at which something starts or ends, if anything is pending.
  static std::optional<TimePoint> NextDue(pqxx::transaction_base& tx);
};

}  // namespace livedrop::drops
