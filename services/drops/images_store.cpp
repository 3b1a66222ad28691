#include "images_store.h"

#include <pqxx/pqxx>

#include "livedrop/pg/arrays.h"

namespace livedrop::drops {
namespace {

#define LD_IMAGE_COLUMNS                                                              \
  " id::text, product_id::text, status, content_type, content_length, "               \
  "(extract(epoch FROM upload_expires_at) * 1000000)::bigint, coalesce(width, 0), "    \
  "coalesce(height, 0), coalesce(url, ''), variants::text, keys, failure "

constexpr char kInsert[] =
    "INSERT INTO product_images (id, product_id, status, content_type, content_length, "
    "upload_expires_at) VALUES ($1, $2, 'awaiting_upload', $3, $4, "
    "to_timestamp($5::double precision / 1000000)) RETURNING" LD_IMAGE_COLUMNS;
constexpr char kFind[] =
    "SELECT" LD_IMAGE_COLUMNS "FROM product_images WHERE product_id = $1 AND id = $2";
constexpr char kFindForUpdate[] = "SELECT" LD_IMAGE_COLUMNS
                                  "FROM product_images WHERE product_id = $1 AND id = $2 "
                                  "FOR UPDATE";
constexpr char kFindById[] = "SELECT" LD_IMAGE_COLUMNS "FROM product_images WHERE id = $1";
constexpr char kCountHeld[] =
    "SELECT count(*) FROM product_images WHERE product_id = $1 AND status <> 'failed' "
    "AND NOT (status = 'awaiting_upload' AND upload_expires_at < "
    "to_timestamp($2::double precision / 1000000))";
constexpr char kSetStatus[] = "UPDATE product_images SET status = $2, failure = $3 WHERE id = $1";
constexpr char kSetReady[] =
    "UPDATE product_images SET status = 'ready', width = $2, height = $3, url = $4, "
    "variants = $5::jsonb, keys = $6::text[], failure = '' WHERE id = $1";
constexpr char kDelete[] = "DELETE FROM product_images WHERE id = $1";
constexpr char kUnheld[] =
    "SELECT k FROM unnest($1::text[]) AS k WHERE NOT EXISTS "
    "(SELECT 1 FROM product_images WHERE keys @> ARRAY[k])";

#undef LD_IMAGE_COLUMNS

ImageRow Read(const pqxx::row& r) {
  ImageRow row;
  row.id = r[0].as<std::string>();
  row.product_id = r[1].as<std::string>();
  row.status = ParseImageStatus(r[2].as<std::string>());
  row.content_type = r[3].as<std::string>();
  row.content_length = r[4].as<std::int64_t>();
  row.upload_expires_at = TimePoint(std::chrono::microseconds(r[5].as<long long>()));
  row.view.id = row.id;
  row.view.width = r[6].as<int>();
  row.view.height = r[7].as<int>();
  row.view.url = r[8].as<std::string>();
  row.view.variants = VariantsFromJson(r[9].as<std::string>());
  row.keys = pg::TextArray(r[10]);
  row.failure = r[11].as<std::string>();
  return row;
}

std::optional<ImageRow> First(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return Read(result[0]);
}

std::string Micros(TimePoint t) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

}  // namespace

ImageRow ImagesStore::Insert(pqxx::transaction_base& tx, const std::string& id,
                             const std::string& product_id, const std::string& content_type,
                             std::int64_t content_length, TimePoint upload_expires_at) {
  return Read(tx.exec_params1(kInsert, id, product_id, content_type, content_length,
                              Micros(upload_expires_at)));
}

std::optional<ImageRow> ImagesStore::FindForUpdate(pqxx::transaction_base& tx,
                                                   const std::string& product_id,
                                                   const std::string& image_id) {
  return First(tx.exec_params(kFindForUpdate, product_id, image_id));
}

std::optional<ImageRow> ImagesStore::Find(pqxx::transaction_base& tx,
                                          const std::string& product_id,
                                          const std::string& image_id) {
  return First(tx.exec_params(kFind, product_id, image_id));
}

std::optional<ImageRow> ImagesStore::FindById(pqxx::transaction_base& tx,
                                              const std::string& image_id) {
  return First(tx.exec_params(kFindById, image_id));
}

std::size_t ImagesStore::CountHeld(pqxx::transaction_base& tx, const std::string& product_id,
                                   TimePoint now) {
  return tx.exec_params1(kCountHeld, product_id, Micros(now))[0].as<std::size_t>();
}

void ImagesStore::SetStatus(pqxx::transaction_base& tx, const std::string& image_id,
                            ImageStatus status, const std::string& failure) {
  tx.exec_params0(kSetStatus, image_id, ImageStatusName(status), failure);
}

void ImagesStore::SetReady(pqxx::transaction_base& tx, const std::string& image_id,
                           const ImageView& view, const std::vector<std::string>& keys) {
  tx.exec_params0(kSetReady, image_id, view.width, view.height, view.url,
                  VariantsToJson(view.variants), pg::ArrayLiteral(keys));
}

void ImagesStore::Delete(pqxx::transaction_base& tx, const std::string& image_id) {
  tx.exec_params0(kDelete, image_id);
}

std::vector<std::string> ImagesStore::Unheld(pqxx::transaction_base& tx,
                                             const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  if (keys.empty()) return out;
  for (const auto& r : tx.exec_params(kUnheld, pg::ArrayLiteral(keys))) {
    out.push_back(r[0].as<std::string>());
  }
  return out;
}

}  // namespace livedrop::drops
