#include "drops_app.h"

#include <pqxx/pqxx>
#include <unordered_map>

#include "drop_views.h"
#include "drops_events.h"
#include "drops_proto.h"
#include "drops_store.h"
#include "livedrop/core/batch.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/pool.h"

namespace livedrop::drops {
namespace {

metrics::Histogram& StartLateness() {
  static auto& lateness = metrics::Registry::Default().GetHistogram(
      "livedrop_drop_start_lateness_seconds",
      "Delay from a drop's scheduled start to its flip to live", metrics::DefaultLatencyBuckets());
  return lateness;
}

}  // namespace

DropsApp::DropsApp(pg::Pool& pool, DropViews& views, DropsScheduler& scheduler,
                   const DropsOptions& options)
    : pool_(pool), views_(views), scheduler_(scheduler), options_(options) {}

ProductRow DropsApp::CreateProduct(const std::string& creator_id, const NewProduct& product) {
  RequireCreator(creator_id);
  ValidateProduct(product);
  return pool_.Transact([&](pqxx::work& tx) {
    return DropsStore::InsertProduct(tx, NewUuid(), creator_id, product);
  });
}

v1::Product DropsApp::GetProduct(const std::string& id) {
  if (!IsUuid(id)) throw NotFoundError("product");
  if (auto cached = views_.Product(id)) return std::move(*cached);
  const auto row = pool_.Transact([&](pqxx::work& tx) { return DropsStore::FindProduct(tx, id); });
  if (!row) throw NotFoundError("product");
  views_.Put(*row);
  v1::Product product;
  ToProto(*row, product);
  return product;
}

v1::Drop DropsApp::GetDrop(const std::string& id) {
  if (!IsUuid(id)) throw NotFoundError("drop");
  auto drop = views_.Drop(id);
  if (!drop) {
    const auto row = pool_.Transact([&](pqxx::work& tx) { return DropsStore::FindDrop(tx, id); });
    if (!row) throw NotFoundError("drop");
    views_.Put(*row);
    drop.emplace();
    ToProto(*row, nullptr, *drop);
  }
  try {
    *drop->mutable_product() = GetProduct(drop->product_id());
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kNotFound) throw;
  }
  return std::move(*drop);
}

v1::TermsOfSale DropsApp::GetTermsOfSale(const std::string& drop_id) {
  if (!IsUuid(drop_id)) throw NotFoundError("drop");
  const auto [drop, product] = pool_.Transact([&](pqxx::work& tx) {
    auto drop = DropsStore::FindDrop(tx, drop_id);
    if (!drop) throw NotFoundError("drop");
    auto product = DropsStore::FindProduct(tx, drop->product_id);
    if (!product) throw NotFoundError("product");
    return std::pair{std::move(*drop), std::move(*product)};
  });
  return ToTermsOfSale(drop, product);
}

std::vector<std::optional<v1::Product>> DropsApp::ProductViews(
    const std::vector<std::string>& ids) {
  std::vector<std::optional<v1::Product>> found(ids.size());
  std::unordered_map<std::string, std::size_t> missed;  // id → its place in `ids`
  for (std::size_t i = 0; i < ids.size(); ++i) {
    found[i] = views_.Product(ids[i]);
    if (!found[i]) missed.emplace(ids[i], i);
  }
  if (missed.empty()) return found;
  std::vector<std::string> misses;
  misses.reserve(missed.size());
  for (const auto& [id, place] : missed) misses.push_back(id);
  const auto rows =
      pool_.Transact([&](pqxx::work& tx) { return DropsStore::FindProducts(tx, misses); });
  for (const auto& row : rows) {
    const auto place = missed.find(row.id);
    if (place == missed.end()) continue;
    views_.Put(row);
    ToProto(row, found[place->second].emplace());
  }
  return found;
}

std::vector<v1::Product> DropsApp::GetProducts(const std::vector<std::string>& ids) {
  std::vector<v1::Product> products;
  for (auto& product : ProductViews(BatchUuids(ids, "ids"))) {
    if (product) products.push_back(std::move(*product));
  }
  return products;
}

std::vector<v1::Drop> DropsApp::GetDrops(const std::vector<std::string>& ids) {
  const auto wanted = BatchUuids(ids, "ids");
  std::vector<std::optional<v1::Drop>> found(wanted.size());
  std::unordered_map<std::string, std::size_t> missed;  // id → its place in `wanted`
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    found[i] = views_.Drop(wanted[i]);
    if (!found[i]) missed.emplace(wanted[i], i);
  }
  if (!missed.empty()) {
    std::vector<std::string> misses;
    misses.reserve(missed.size());
    for (const auto& [id, place] : missed) misses.push_back(id);
    const auto rows =
        pool_.Transact([&](pqxx::work& tx) { return DropsStore::FindDrops(tx, misses); });
    for (const auto& row : rows) {
      const auto place = missed.find(row.id);
      if (place == missed.end()) continue;
      views_.Put(row);
      ToProto(row, nullptr, found[place->second].emplace());
    }
  }
  // Their products, as GetDrop adds them: each distinct product once, in one more read.
  std::vector<std::string> product_ids;
  std::unordered_map<std::string, std::size_t> product_place;
  for (const auto& drop : found) {
    if (drop && IsUuid(drop->product_id()) &&
        product_place.emplace(drop->product_id(), product_ids.size()).second) {
      product_ids.push_back(drop->product_id());
    }
  }
  const auto products = ProductViews(product_ids);
  std::vector<v1::Drop> drops;
  drops.reserve(found.size());
  for (auto& drop : found) {
    if (!drop) continue;
    if (const auto place = product_place.find(drop->product_id()); place != product_place.end()) {
      if (const auto& product = products[place->second]) *drop->mutable_product() = *product;
    }
    drops.push_back(std::move(*drop));
  }
  return drops;
}

DropsApp::CreatedDrop DropsApp::CreateDrop(const std::string& creator_id,
                                           const std::string& product_id, const NewDrop& drop) {
  RequireCreator(creator_id);
  ValidateDrop(drop, Now());
  if (!IsUuid(product_id)) throw NotFoundError("product");
  auto created = pool_.Transact([&](pqxx::work& tx) {
    const auto product = DropsStore::FindProduct(tx, product_id);
    if (!product) throw NotFoundError("product");
    RequireOwnProduct(*product, creator_id);
    const auto row = DropsStore::InsertDrop(tx, NewUuid(), creator_id, product_id, drop);
    EmitDropScheduled(tx, row);
    return CreatedDrop{row, *product};
  });
  scheduler_.Wake();
  views_.Put(created.drop);
  return created;
}

DropPage DropsApp::ListDrops(const DropFilter& filter, int limit, const std::string& cursor) {
  const int page_size = PageSize(limit);
  const auto before = DecodeCursor(cursor);
  if (!filter.creator_id.empty() && !IsUuid(filter.creator_id)) {
    throw ValidationError("creator_id", "creator_id must be a UUID");
  }
  DropPage page;
  page.items = pool_.Transact(
      [&](pqxx::work& tx) { return DropsStore::ListDrops(tx, filter, before, page_size + 1); });
  if (static_cast<int>(page.items.size()) > page_size) {
    page.items.resize(static_cast<std::size_t>(page_size));
    page.next_cursor = EncodeCursor(page.items.back().seq);
  }
  return page;
}

DropRow DropsApp::CancelDrop(const std::string& creator_id, const std::string& drop_id) {
  RequireCreator(creator_id);
  if (!IsUuid(drop_id)) throw NotFoundError("drop");
  const auto row = pool_.Transact([&](pqxx::work& tx) {
    const auto drop = DropsStore::FindDrop(tx, drop_id, /*for_update=*/true);
    if (!drop) throw NotFoundError("drop");
    RequireCancellable(*drop, creator_id);
    const auto cancelled = DropsStore::SetStatus(tx, drop_id, DropStatus::kCancelled);
    EmitDropCancelled(tx, cancelled);
    return cancelled;
  });
  views_.Put(row);
  return row;
}

SchedulerPass DropsApp::StartAndEndDue() {
  auto& lateness = StartLateness();
  std::vector<DropRow> changed;
  SchedulerPass pass;
  pass.next_due = pool_.Transact([&](pqxx::work& tx) {
    changed.clear();  // a retried transaction starts over
    pass.started = pass.ended = 0;
    for (const auto& row : DropsStore::StartDue(tx, options_.scheduler_batch)) {
      changed.push_back(row);
      EmitDropStarted(tx, row);
      pass.started++;
    }
    for (const auto& row : DropsStore::EndDue(tx, options_.scheduler_batch)) {
      changed.push_back(row);
      EmitDropEnded(tx, row);
      pass.ended++;
    }
    return DropsStore::NextDue(tx);
  });
  const auto now = Now();
  for (const auto& row : changed) {
    if (row.status == DropStatus::kLive) {
      lateness.Observe(std::chrono::duration<double>(now - row.fields.starts_at).count());
    }
    views_.Put(row);
  }
  return pass;
}

std::optional<DropRow> DropsApp::FollowStock(const std::string& drop_id, StockSignal signal) {
  const auto move = MoveFor(signal);
  const auto moved = pool_.Transact(
      [&](pqxx::work& tx) { return DropsStore::MoveStatus(tx, drop_id, move.from, move.to); });
  if (moved) views_.Put(*moved);
  return moved;
}

}  // namespace livedrop::drops
