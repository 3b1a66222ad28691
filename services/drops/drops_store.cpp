#include "drops_store.h"

#include <pqxx/pqxx>

#include "images_logic.h"
#include "livedrop/pg/arrays.h"

namespace livedrop::drops {
namespace {

// Every statement returns whole rows in one column order, read by ReadProduct / ReadDrop.
#define LD_PRODUCT_COLUMNS                                                   \
  " id::text, creator_id::text, title, description, unit_amount, currency, " \
  "image_urls, (extract(epoch FROM created_at) * 1000000)::bigint, version, images::text "
#define LD_DROP_COLUMNS                                 \
  " id::text, creator_id::text, product_id::text, "     \
  "(extract(epoch FROM starts_at) * 1000000)::bigint, " \
  "(extract(epoch FROM ends_at) * 1000000)::bigint, "   \
  "quantity, per_buyer_limit, status, version, seq "

constexpr char kInsertProduct[] =
    "INSERT INTO products (id, creator_id, title, description, unit_amount, currency, "
    "image_urls) VALUES ($1, $2, $3, $4, $5, $6, $7::text[]) "
    "RETURNING" LD_PRODUCT_COLUMNS;

constexpr char kFindProduct[] = "SELECT" LD_PRODUCT_COLUMNS "FROM products WHERE id = $1";
constexpr char kFindProducts[] =
    "SELECT" LD_PRODUCT_COLUMNS "FROM products WHERE id = ANY($1::uuid[])";

constexpr char kInsertDrop[] =
    "INSERT INTO drops (id, creator_id, product_id, starts_at, ends_at, quantity, "
    "per_buyer_limit) VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000000), "
    "to_timestamp($5::double precision / 1000000), $6, $7) RETURNING" LD_DROP_COLUMNS;

constexpr char kFindDrop[] = "SELECT" LD_DROP_COLUMNS "FROM drops WHERE id = $1";
constexpr char kFindDrops[] = "SELECT" LD_DROP_COLUMNS "FROM drops WHERE id = ANY($1::uuid[])";
constexpr char kFindDropForUpdate[] =
    "SELECT" LD_DROP_COLUMNS "FROM drops WHERE id = $1 FOR UPDATE";

constexpr char kListDrops[] = "SELECT" LD_DROP_COLUMNS
                              "FROM drops WHERE ($1 = '' OR status = $1) "
                              "AND ($2 = '' OR creator_id = NULLIF($2, '')::uuid) AND seq < $3 "
                              "ORDER BY seq DESC LIMIT $4";

constexpr char kSetStatus[] =
    "UPDATE drops SET status = $2, version = version + 1, "
    "ended_at = CASE WHEN $2 IN ('ended', 'cancelled') THEN now() ELSE ended_at END "
    "WHERE id = $1 RETURNING" LD_DROP_COLUMNS;

constexpr char kMoveStatus[] =
    "UPDATE drops SET status = $3, version = version + 1 WHERE id = $1 AND status = $2 "
    "RETURNING" LD_DROP_COLUMNS;

constexpr char kStartDue[] =
    "UPDATE drops SET status = 'live', started_at = now(), version = version + 1 "
    "WHERE id IN (SELECT id FROM drops WHERE status = 'scheduled' AND starts_at <= now() "
    "ORDER BY starts_at LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING" LD_DROP_COLUMNS;

constexpr char kEndDue[] =
    "UPDATE drops SET status = 'ended', ended_at = now(), version = version + 1 "
    "WHERE id IN (SELECT id FROM drops WHERE status IN ('live', 'sold_out') "
    "AND ends_at <= now() ORDER BY ends_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
    "RETURNING" LD_DROP_COLUMNS;

constexpr char kNextDue[] =
    "SELECT (extract(epoch FROM least("
    "(SELECT min(starts_at) FROM drops WHERE status = 'scheduled'), "
    "(SELECT min(ends_at) FROM drops WHERE status IN ('live', 'sold_out')))) * 1000000)::bigint";

// The ready images, oldest first, as views list them (ImageViewsFromJson reads it back).
constexpr char kRefreshProductImages[] =
    "UPDATE products SET version = version + 1, images = COALESCE((SELECT jsonb_agg("
    "jsonb_build_object('id', i.id::text, 'width', i.width, 'height', i.height, 'url', i.url, "
    "'variants', i.variants) ORDER BY i.created_at, i.id) FROM product_images i "
    "WHERE i.product_id = products.id AND i.status = 'ready'), '[]'::jsonb) "
    "WHERE id = $1 RETURNING" LD_PRODUCT_COLUMNS;

#undef LD_PRODUCT_COLUMNS
#undef LD_DROP_COLUMNS

TimePoint Micros(const pqxx::field& f) {
  return TimePoint(std::chrono::microseconds(f.as<long long>()));
}

std::string ToPgTime(TimePoint t) { return std::to_string(t.time_since_epoch().count()); }

ProductRow ReadProduct(const pqxx::row& r) {
  ProductRow p;
  p.id = r[0].as<std::string>();
  p.creator_id = r[1].as<std::string>();
  p.fields.title = r[2].as<std::string>();
  p.fields.description = r[3].as<std::string>();
  p.fields.unit_amount = r[4].as<std::int64_t>();
  p.fields.currency = r[5].as<std::string>();
  p.fields.image_urls = pg::TextArray(r[6]);
  p.created_at = Micros(r[7]);
  p.version = r[8].as<std::int64_t>();
  p.images = ImageViewsFromJson(r[9].as<std::string>());
  return p;
}

DropRow ReadDrop(const pqxx::row& r) {
  DropRow d;
  d.id = r[0].as<std::string>();
  d.creator_id = r[1].as<std::string>();
  d.product_id = r[2].as<std::string>();
  d.fields.starts_at = Micros(r[3]);
  d.fields.ends_at = Micros(r[4]);
  d.fields.quantity = r[5].as<int>();
  d.fields.per_buyer_limit = r[6].as<int>();
  d.status = ParseStatus(r[7].as<std::string>()).value_or(DropStatus::kScheduled);
  d.version = r[8].as<std::int64_t>();
  d.seq = r[9].as<std::int64_t>();
  return d;
}

std::vector<DropRow> ReadDrops(const pqxx::result& result) {
  std::vector<DropRow> out;
  for (const auto& r : result) out.push_back(ReadDrop(r));
  return out;
}

}  // namespace

ProductRow DropsStore::InsertProduct(pqxx::transaction_base& tx, const std::string& id,
                                     const std::string& creator_id, const NewProduct& p) {
  const auto r = tx.exec_params1(kInsertProduct, id, creator_id, p.title, p.description,
                                 p.unit_amount, p.currency, pg::ArrayLiteral(p.image_urls));
  return ReadProduct(r);
}

ProductRow DropsStore::RefreshProductImages(pqxx::transaction_base& tx,
                                           const std::string& product_id) {
  return ReadProduct(tx.exec_params1(kRefreshProductImages, product_id));
}

std::optional<ProductRow> DropsStore::FindProduct(pqxx::transaction_base& tx,
                                                  const std::string& id) {
  const auto result = tx.exec_params(kFindProduct, id);
  if (result.empty()) return std::nullopt;
  return ReadProduct(result[0]);
}

std::vector<ProductRow> DropsStore::FindProducts(pqxx::transaction_base& tx,
                                                 const std::vector<std::string>& ids) {
  std::vector<ProductRow> out;
  for (const auto& r : tx.exec_params(kFindProducts, pg::ArrayLiteral(ids))) {
    out.push_back(ReadProduct(r));
  }
  return out;
}

DropRow DropsStore::InsertDrop(pqxx::transaction_base& tx, const std::string& id,
                               const std::string& creator_id, const std::string& product_id,
                               const NewDrop& d) {
  const auto r = tx.exec_params1(kInsertDrop, id, creator_id, product_id, ToPgTime(d.starts_at),
                                 ToPgTime(d.ends_at), d.quantity, d.per_buyer_limit);
  return ReadDrop(r);
}

std::optional<DropRow> DropsStore::FindDrop(pqxx::transaction_base& tx, const std::string& id,
                                            bool for_update) {
  const auto result = tx.exec_params(for_update ? kFindDropForUpdate : kFindDrop, id);
  if (result.empty()) return std::nullopt;
  return ReadDrop(result[0]);
}

std::vector<DropRow> DropsStore::FindDrops(pqxx::transaction_base& tx,
                                           const std::vector<std::string>& ids) {
  return ReadDrops(tx.exec_params(kFindDrops, pg::ArrayLiteral(ids)));
}

std::vector<DropRow> DropsStore::ListDrops(pqxx::transaction_base& tx, const DropFilter& filter,
                                           std::optional<std::int64_t> before_seq, int limit) {
  return ReadDrops(tx.exec_params(kListDrops, filter.status ? StatusName(*filter.status) : "",
                                  filter.creator_id, before_seq.value_or(INT64_MAX), limit));
}

DropRow DropsStore::SetStatus(pqxx::transaction_base& tx, const std::string& id, DropStatus to) {
  return ReadDrop(tx.exec_params1(kSetStatus, id, StatusName(to)));
}

std::optional<DropRow> DropsStore::MoveStatus(pqxx::transaction_base& tx, const std::string& id,
                                              DropStatus from, DropStatus to) {
  const auto result = tx.exec_params(kMoveStatus, id, StatusName(from), StatusName(to));
  if (result.empty()) return std::nullopt;
  return ReadDrop(result[0]);
}

std::vector<DropRow> DropsStore::StartDue(pqxx::transaction_base& tx, int limit) {
  return ReadDrops(tx.exec_params(kStartDue, limit));
}

std::vector<DropRow> DropsStore::EndDue(pqxx::transaction_base& tx, int limit) {
  return ReadDrops(tx.exec_params(kEndDue, limit));
}

std::optional<TimePoint> DropsStore::NextDue(pqxx::transaction_base& tx) {
  const auto r = tx.exec1(kNextDue);
  if (r[0].is_null()) return std::nullopt;
  return Micros(r[0]);
}

}  // namespace livedrop::drops
