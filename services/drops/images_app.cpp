#include "images_app.h"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "drop_views.h"
#include "drops_store.h"
#include "image_worker.h"
#include "images_store.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/pg/pool.h"

namespace livedrop::drops {
namespace {

constexpr char kImmutable[] = "public, max-age=31536000, immutable";
constexpr char kFindProcessing[] =
    "SELECT id::text FROM product_images WHERE status = 'processing' ORDER BY created_at LIMIT 1000";

Error InvalidImage(const std::string& why) {
  return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_INVALID_IMAGE, why);
}

}  // namespace

ImagesConfig ImagesConfigFrom(const DropsOptions& options) {
  ImagesConfig config;
  config.max_bytes = options.image_max_bytes;
  config.upload_ttl = std::chrono::duration_cast<std::chrono::seconds>(options.image_upload_ttl);
  config.limits.max_pixels = static_cast<std::uint64_t>(options.image_max_pixels);
  config.cdn_base_url = options.cdn_base_url;
  if (config.cdn_base_url.empty()) {
    config.cdn_base_url =
        (options.s3_public_endpoint.empty() ? options.s3_endpoint : options.s3_public_endpoint) +
        "/" + options.s3_bucket;
  }
  while (!config.cdn_base_url.empty() && config.cdn_base_url.back() == '/') {
    config.cdn_base_url.pop_back();
  }
  return config;
}

ImagesApp::ImagesApp(pg::Pool& pool, DropViews& views, s3::ObjectStore* store,
                     ImageWorker* worker, ImagesConfig config)
    : pool_(pool), views_(views), store_(store), worker_(worker), config_(std::move(config)) {}

s3::ObjectStore& ImagesApp::Store() {
  if (store_ == nullptr || worker_ == nullptr) {
    throw Error(ErrorKind::kUnavailable, "images_not_configured",
                "product images are not configured on this server (no object store)");
  }
  return *store_;
}

void ImagesApp::RequireOwner(const std::string& creator_id, const std::string& product_id) {
  RequireCreator(creator_id);
  if (!IsUuid(product_id)) throw NotFoundError("product");
  const auto product =
      pool_.Transact([&](pqxx::work& tx) { return DropsStore::FindProduct(tx, product_id); });
  if (!product) throw NotFoundError("product");
  RequireOwnProduct(*product, creator_id);
}

ImageUpload ImagesApp::CreateUpload(const std::string& creator_id, const std::string& product_id,
                                    const std::string& content_type,
                                    std::int64_t content_length) {
  auto& store = Store();
  RequireOwner(creator_id, product_id);
  ValidateUpload(content_type, content_length, config_.max_bytes);
  const auto now = Now();
  const auto expires_at = now + std::chrono::duration_cast<std::chrono::microseconds>(config_.upload_ttl);
  ImageRow row = pool_.Transact([&](pqxx::work& tx) {
    // Serialises the count per product: two uploads at once cannot both take the 10th place.
    tx.exec_params("SELECT 1 FROM products WHERE id = $1 FOR UPDATE", product_id);
    if (ImagesStore::CountHeld(tx, product_id, now) >= kMaxImagesPerProduct) {
      throw rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_TOO_MANY_IMAGES,
                             "a product has at most 10 images: delete one first");
    }
    return ImagesStore::Insert(tx, NewUuid(), product_id, content_type, content_length,
                               expires_at);
  });
  ImageUpload upload{row, "", {}, expires_at};
  upload.url = store.PresignPut(UploadKey(row.id), content_type,
                                static_cast<std::uint64_t>(content_length), config_.upload_ttl,
                                std::chrono::system_clock::now());
  upload.headers = {{"Content-Type", content_type},
                    {"Content-Length", std::to_string(content_length)}};
  return upload;
}

void ImagesApp::Fail(const std::string& image_id, const std::string& why) {
  try {
    Store().Delete(UploadKey(image_id));
  } catch (const std::exception& e) {
    spdlog::warn("image {}: upload not deleted: {}", image_id, e.what());
  }
  pool_.Transact([&](pqxx::work& tx) {
    ImagesStore::SetStatus(tx, image_id, ImageStatus::kFailed, why);
  });
}

ImageRow ImagesApp::Complete(const std::string& creator_id, const std::string& product_id,
                             const std::string& image_id) {
  auto& store = Store();
  RequireOwner(creator_id, product_id);
  if (!IsUuid(image_id)) throw NotFoundError("image");
  auto row = pool_.Transact(
      [&](pqxx::work& tx) { return ImagesStore::Find(tx, product_id, image_id); });
  if (!row) throw NotFoundError("image");
  if (row->status == ImageStatus::kFailed) throw InvalidImage(row->failure);
  if (row->status != ImageStatus::kAwaitingUpload) return *row;

  const std::string key = UploadKey(image_id);
  const auto info = store.Head(key);
  if (!info) {
    throw rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_IMAGE_NOT_UPLOADED,
                           "nothing has been uploaded for this image yet: PUT the bytes to the "
                           "upload URL first");
  }
  // The store enforces the signed length (S3, MinIO); one that does not is caught here.
  if (info->size != static_cast<std::uint64_t>(row->content_length)) {
    const std::string why = "the upload is " + std::to_string(info->size) + " bytes, not the " +
                            std::to_string(row->content_length) + " declared";
    Fail(image_id, why);
    throw InvalidImage(why);
  }
  bool too_large = false;
  const auto bytes = store.Get(key, static_cast<std::uint64_t>(config_.max_bytes), &too_large);
  if (!bytes) {
    const std::string why = too_large ? "the upload is larger than allowed" : "the upload is gone";
    Fail(image_id, why);
    throw InvalidImage(why);
  }
  try {
    const auto header = image::Inspect(*bytes, config_.limits);
    if (image::ContentType(header.format) != row->content_type) {
      throw image::InvalidImage("the bytes are " + std::string(image::ContentType(header.format)) +
                                ", not the " + row->content_type + " declared");
    }
  } catch (const image::InvalidImage& e) {
    Fail(image_id, e.what());
    throw InvalidImage(e.what());
  }
  const bool moved = pool_.Transact([&](pqxx::work& tx) {
    auto locked = ImagesStore::FindForUpdate(tx, product_id, image_id);
    if (!locked || locked->status != ImageStatus::kAwaitingUpload) return false;
    ImagesStore::SetStatus(tx, image_id, ImageStatus::kProcessing);
    return true;
  });
  if (moved && !worker_->Submit([this, image_id] { Process(image_id); })) {
    pool_.Transact([&](pqxx::work& tx) {
      ImagesStore::SetStatus(tx, image_id, ImageStatus::kAwaitingUpload);
    });
    throw Error(ErrorKind::kResourceExhausted, "images_busy",
                "too many images are being processed: complete again in a moment");
  }
  row = pool_.Transact(
      [&](pqxx::work& tx) { return ImagesStore::Find(tx, product_id, image_id); });
  if (!row) throw NotFoundError("image");
  return *row;
}

ImageRow ImagesApp::Get(const std::string& product_id, const std::string& image_id) {
  if (!IsUuid(product_id) || !IsUuid(image_id)) throw NotFoundError("image");
  const auto row = pool_.Transact(
      [&](pqxx::work& tx) { return ImagesStore::Find(tx, product_id, image_id); });
  if (!row) throw NotFoundError("image");
  return *row;
}

void ImagesApp::Delete(const std::string& creator_id, const std::string& product_id,
                       const std::string& image_id) {
  auto& store = Store();
  RequireOwner(creator_id, product_id);
  if (!IsUuid(image_id)) throw NotFoundError("image");
  std::optional<ProductRow> product;
  const auto unheld = pool_.Transact([&](pqxx::work& tx) {
    const auto row = ImagesStore::FindForUpdate(tx, product_id, image_id);
    if (!row) throw NotFoundError("image");
    ImagesStore::Delete(tx, image_id);
    if (row->status == ImageStatus::kReady) {
      product = DropsStore::RefreshProductImages(tx, product_id);
    }
    return ImagesStore::Unheld(tx, row->keys);
  });
  if (product) views_.Put(*product);
  store.Delete(UploadKey(image_id));
  for (const auto& key : unheld) store.Delete(key);
}

void ImagesApp::Process(const std::string& image_id) {
  auto& store = Store();
  const auto row =
      pool_.Transact([&](pqxx::work& tx) { return ImagesStore::FindById(tx, image_id); });
  if (!row || row->status != ImageStatus::kProcessing) return;
  try {
    const auto bytes = store.Get(UploadKey(image_id), static_cast<std::uint64_t>(config_.max_bytes));
    if (!bytes) return Fail(image_id, "the upload is gone");
    const auto processed = image::MakeVariants(*bytes, config_.limits, config_.widths);
    ImageView view{image_id, processed.original.width, processed.original.height, "", {}};
    std::vector<std::string> keys;
    auto put = [&](const image::Encoded& encoded) {
      const std::string key = ContentKey(encoded.bytes, encoded.format);
      store.Put(key, encoded.bytes, std::string(image::ContentType(encoded.format)),
                {{"cache-control", kImmutable}});
      keys.push_back(key);
      return config_.cdn_base_url + "/" + key;
    };
    view.url = put(processed.original);
    for (const auto& variant : processed.variants) {
      view.variants.push_back({variant.width, variant.height, put(variant)});
    }
    std::optional<ProductRow> product;
    pool_.Transact([&](pqxx::work& tx) {
      const auto locked = ImagesStore::FindForUpdate(tx, row->product_id, image_id);
      if (!locked || locked->status != ImageStatus::kProcessing) return;  // deleted meanwhile
      ImagesStore::SetReady(tx, image_id, view, keys);
      product = DropsStore::RefreshProductImages(tx, row->product_id);
    });
    if (product) {
      views_.Put(*product);
    } else {
      const auto unheld = pool_.Transact([&](pqxx::work& tx) { return ImagesStore::Unheld(tx, keys); });
      for (const auto& key : unheld) store.Delete(key);
    }
    store.Delete(UploadKey(image_id));
  } catch (const image::InvalidImage& e) {
    Fail(image_id, e.what());
  } catch (const std::exception& e) {
    spdlog::error("image {}: processing failed: {}", image_id, e.what());
    Fail(image_id, "the image could not be processed; upload it again");
  }
}

void ImagesApp::ResumeProcessing() {
  if (store_ == nullptr || worker_ == nullptr) return;
  const auto ids = pool_.Transact([&](pqxx::work& tx) {
    std::vector<std::string> out;
    for (const auto& r : tx.exec(kFindProcessing)) out.push_back(r[0].as<std::string>());
    return out;
  });
  for (const auto& id : ids) {
    if (!worker_->Submit([this, id] { Process(id); })) break;  // the rest at the next start
  }
}

}  // namespace livedrop::drops
