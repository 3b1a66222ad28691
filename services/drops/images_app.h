#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "drops_options.h"
#include "images_logic.h"
#include "livedrop/image/image.h"
#include "livedrop/s3/object_store.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::drops {

class DropViews;
class ImageWorker;

struct ImagesConfig {
  std::int64_t max_bytes = 10 * 1024 * 1024;
  std::chrono::seconds upload_ttl{600};
  std::string cdn_base_url;  // no trailing slash
  image::Limits limits;
  std::vector<int> widths{256, 768, 1600};
};

// From the flags: the CDN base (else the store's public origin and bucket), sizes, limits.
ImagesConfig ImagesConfigFrom(const DropsOptions& options);

struct ImageUpload {
  ImageRow image;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  TimePoint expires_at;
};

// The use cases of product images. Uploads go straight from the client to the bucket; the
// checks that need no decoding (size, format, structure, dimensions) answer Complete itself,
// the decode and the variants run on the ImageWorker, and the product's view lists an image
// once its variants are stored. Without a store (`store` null) every call is unavailable.
class ImagesApp {
 public:
  ImagesApp(pg::Pool& pool, DropViews& views, s3::ObjectStore* store, ImageWorker* worker,
            ImagesConfig config);

  ImageUpload CreateUpload(const std::string& creator_id, const std::string& product_id,
                           const std::string& content_type, std::int64_t content_length);
  // invalid_image (the object deleted, the image failed); image_not_uploaded; 429 when the
  // worker's queue is full (the image stays awaiting_upload: complete again).
  ImageRow Complete(const std::string& creator_id, const std::string& product_id,
                    const std::string& image_id);
  ImageRow Get(const std::string& product_id, const std::string& image_id);
  void Delete(const std::string& creator_id, const std::string& product_id,
              const std::string& image_id);

  // The worker's job: decode, variants, store, ready.
  void Process(const std::string& image_id);
  // Images left processing by a stop, queued again (at start).
  void ResumeProcessing();

 private:
  s3::ObjectStore& Store();
  void RequireOwner(const std::string& creator_id, const std::string& product_id);
  // The image failed: its upload deleted, the reason kept.
  void Fail(const std::string& image_id, const std::string& why);

  pg::Pool& pool_;
  DropViews& views_;
  s3::ObjectStore* store_;
  ImageWorker* worker_;
  ImagesConfig config_;
};

}  // namespace livedrop::drops
