#pragma once

#include <optional>
#include <string>
#include <vector>

#include "drops_logic.h"
#include "drops_options.h"
#include "drops_scheduler.h"
#include "livedrop/drops/v1/drops.pb.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::drops {

class DropViews;

struct DropPage {
  std::vector<DropRow> items;
  std::string next_cursor;  // empty: the last page
};

// The use cases of drops: products and drops made by their creators, reads through the
// cached views, browse, cancel; the scheduler's pass that starts and ends drops on time; and
// inventory's word moving a live drop to sold_out and back. The only layer that opens
// transactions, fills and writes through the cached views and writes the drop_* events (in
// the transaction of the change they announce).
class DropsApp {
 public:
  // `scheduler` is woken by every CreateDrop, so a drop due soon is not left to the next pass.
  DropsApp(pg::Pool& pool, DropViews& views, DropsScheduler& scheduler,
           const DropsOptions& options = {});

  ProductRow CreateProduct(const std::string& creator_id, const NewProduct& product);
  // Product and drop views, from the cache when it has them, else from PostgreSQL (then
  // cached); a missing (or malformed) id is not_found.
  v1::Product GetProduct(const std::string& id);
  // With its product when the product is found.
  v1::Drop GetDrop(const std::string& id);
  // What an order is charged: the drop and its product's price from PostgreSQL, never the
  // cache (a cache entry may be wrong; a charge may not). not_found for an unknown drop.
  v1::TermsOfSale GetTermsOfSale(const std::string& drop_id);
  // Batch reads (a GraphQL loader's round): each view as the single get answers it, in the
  // order of the ids' first appearance (BatchUuids: repeats answered once, unknown and
  // malformed ids absent, more than kMaxBatchSize ids validation_failed on "ids"). Cached views
  // per id and one query for all the misses (for GetDrops, one more for their products); no
  // query for an empty list.
  std::vector<v1::Product> GetProducts(const std::vector<std::string>& ids);
  std::vector<v1::Drop> GetDrops(const std::vector<std::string>& ids);

  struct CreatedDrop {
    DropRow drop;
    ProductRow product;
  };
  // Only of the creator's own product; scheduled, with drop_scheduled in the same transaction.
  CreatedDrop CreateDrop(const std::string& creator_id, const std::string& product_id,
                         const NewDrop& drop);
  // Newest first, keyset-paged (`limit` 0 → the default page size).
  DropPage ListDrops(const DropFilter& filter, int limit, const std::string& cursor);
  // Only by the drop's creator, before it ended; drop_cancelled in the same transaction.
  DropRow CancelDrop(const std::string& creator_id, const std::string& drop_id);

  // One scheduler pass: one transaction flipping due drops scheduled → live (drop_started)
  // and live|sold_out → ended (drop_ended), at most options.scheduler_batch of each. Safe
  // with several instances (each transition is one UPDATE … WHERE status = <from> over SKIP
  // LOCKED rows, so it happens exactly once); the views are written through after the commit.
  SchedulerPass StartAndEndDue();

  // Inventory's sold_out / restocked: the conditional move of MoveFor(signal), so a
  // redelivered or late event changes nothing. Returns the drop if it moved.
  std::optional<DropRow> FollowStock(const std::string& drop_id, StockSignal signal);

 private:
  // The product views of `ids` (distinct canonical UUIDs), aligned with them: nullopt where
  // not found.
  std::vector<std::optional<v1::Product>> ProductViews(const std::vector<std::string>& ids);

  pg::Pool& pool_;
  DropViews& views_;
  DropsScheduler& scheduler_;
  const DropsOptions options_;
};

}  // namespace livedrop::drops
