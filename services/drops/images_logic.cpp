#include "images_logic.h"

#include <boost/json.hpp>

#include "livedrop/core/error.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/s3/sigv4.h"

namespace livedrop::drops {

const char* ImageStatusName(ImageStatus status) {
  switch (status) {
    case ImageStatus::kAwaitingUpload: return "awaiting_upload";
    case ImageStatus::kProcessing: return "processing";
    case ImageStatus::kReady: return "ready";
    case ImageStatus::kFailed: return "failed";
  }
  return "failed";
}

ImageStatus ParseImageStatus(const std::string& name) {
  if (name == "awaiting_upload") return ImageStatus::kAwaitingUpload;
  if (name == "processing") return ImageStatus::kProcessing;
  if (name == "ready") return ImageStatus::kReady;
  return ImageStatus::kFailed;
}

image::Format ValidateUpload(const std::string& content_type, std::int64_t content_length,
                             std::int64_t max_bytes) {
  const auto format = image::FormatOfContentType(content_type);
  if (!format) {
    throw rpc::ReasonError(ErrorKind::kInvalidArgument, common::v1::REASON_UNSUPPORTED_MEDIA_TYPE,
                           "content_type must be image/jpeg, image/png or image/webp",
                           {{"field", "content_type"}});
  }
  if (content_length < 1 || content_length > max_bytes) {
    throw ValidationError("content_length", "content_length must be from 1 to " +
                                                std::to_string(max_bytes) + " bytes");
  }
  return *format;
}

std::string UploadKey(const std::string& image_id) { return "uploads/" + image_id; }

std::string ContentKey(const std::string& bytes, image::Format format) {
  return "i/" + s3::Sha256Hex(bytes) + "." + std::string(image::Extension(format));
}

namespace {

namespace json = boost::json;

int IntOf(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? static_cast<int>(v->as_int64()) : 0;
}

std::string StringOf(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<ImageVariantView> VariantsOf(const json::value& value) {
  std::vector<ImageVariantView> out;
  if (!value.is_array()) return out;
  for (const auto& item : value.as_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    out.push_back({IntOf(o, "width"), IntOf(o, "height"), StringOf(o, "url")});
  }
  return out;
}

}  // namespace

std::vector<ImageView> ImageViewsFromJson(const std::string& text) {
  std::vector<ImageView> out;
  const json::value value = json::parse(text);
  if (!value.is_array()) return out;
  for (const auto& item : value.as_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    ImageView view{StringOf(o, "id"), IntOf(o, "width"), IntOf(o, "height"), StringOf(o, "url"), {}};
    if (const auto* variants = o.if_contains("variants")) view.variants = VariantsOf(*variants);
    out.push_back(std::move(view));
  }
  return out;
}

std::vector<ImageVariantView> VariantsFromJson(const std::string& text) {
  return VariantsOf(json::parse(text));
}

std::string VariantsToJson(const std::vector<ImageVariantView>& variants) {
  json::array out;
  for (const auto& v : variants) {
    out.push_back(json::object{{"width", v.width}, {"height", v.height}, {"url", v.url}});
  }
  return json::serialize(out);
}

}  // namespace livedrop::drops
