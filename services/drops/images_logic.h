#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drops_logic.h"
#include "livedrop/core/time.h"
#include "livedrop/image/image.h"

// Product images, with no I/O: what may be uploaded, where the bytes live in the bucket, and
// the states an image goes through (awaiting_upload → processing → ready, or failed).
namespace livedrop::drops {

inline constexpr std::size_t kMaxImagesPerProduct = 10;

enum class ImageStatus { kAwaitingUpload, kProcessing, kReady, kFailed };
const char* ImageStatusName(ImageStatus status);
ImageStatus ParseImageStatus(const std::string& name);

struct ImageRow {
  std::string id;
  std::string product_id;
  ImageStatus status = ImageStatus::kAwaitingUpload;
  std::string content_type;
  std::int64_t content_length = 0;
  TimePoint upload_expires_at;
  ImageView view;  // filled when ready
  std::vector<std::string> keys;  // the objects it owns once ready (original and variants)
  std::string failure;
};

// The declared upload: JPEG, PNG or WebP (unsupported_media_type otherwise), 1 byte to
// `max_bytes` (validation_failed on content_length). Returns the format.
image::Format ValidateUpload(const std::string& content_type, std::int64_t content_length,
                             std::int64_t max_bytes);

// Where a client's bytes wait until checked: not content-addressed, never served.
std::string UploadKey(const std::string& image_id);
// Where a checked, re-encoded object lives: i/<sha256 of its bytes>.<ext>. The CDN serves
// only this prefix, with immutable cache headers (a key's bytes never change).
std::string ContentKey(const std::string& bytes, image::Format format);

// products.images and product_images.variants as stored (JSON arrays).
std::vector<ImageView> ImageViewsFromJson(const std::string& json);
std::vector<ImageVariantView> VariantsFromJson(const std::string& json);
std::string VariantsToJson(const std::vector<ImageVariantView>& variants);

}  // namespace livedrop::drops
