#pragma once

#include <optional>
#include <string>
#include <vector>

#include "images_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::drops {

// The SQL of product images, on the caller's transaction.
class ImagesStore {
 public:
  static ImageRow Insert(pqxx::transaction_base& tx, const std::string& id,
                         const std::string& product_id, const std::string& content_type,
                         std::int64_t content_length, TimePoint upload_expires_at);
  // FOR UPDATE: complete and delete decide on the row they then change.
  static std::optional<ImageRow> FindForUpdate(pqxx::transaction_base& tx,
                                               const std::string& product_id,
                                               const std::string& image_id);
  static std::optional<ImageRow> Find(pqxx::transaction_base& tx, const std::string& product_id,
                                      const std::string& image_id);
  static std::optional<ImageRow> FindById(pqxx::transaction_base& tx,
                                          const std::string& image_id);
  // Images that count against the product's 10: all but failed ones and uploads that expired
  // unused.
  static std::size_t CountHeld(pqxx::transaction_base& tx, const std::string& product_id,
                               TimePoint now);
  static void SetStatus(pqxx::transaction_base& tx, const std::string& image_id,
                        ImageStatus status, const std::string& failure = "");
  static void SetReady(pqxx::transaction_base& tx, const std::string& image_id,
                       const ImageView& view, const std::vector<std::string>& keys);
  static void Delete(pqxx::transaction_base& tx, const std::string& image_id);
  // Of `keys`, those no image row holds any more.
  static std::vector<std::string> Unheld(pqxx::transaction_base& tx,
                                         const std::vector<std::string>& keys);
};

}  // namespace livedrop::drops
