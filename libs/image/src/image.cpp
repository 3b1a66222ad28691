#include "livedrop/image/image.h"

#include <vips/vips.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace livedrop::image {
namespace {

void InitVips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("livedrop")) throw std::runtime_error("libvips failed to start");
    vips_block_untrusted_set(TRUE);
    vips_cache_set_max(0);  // nothing of one upload is kept for the next
    vips_concurrency_set(1);  // the worker pool is the parallelism
  });
}

struct Unref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, Unref>;

[[noreturn]] void Reject(const std::string& why) {
  InitVips();  // a refusal may come before anything was loaded (vips_error_clear needs it)
  vips_error_clear();
  throw InvalidImage(why);
}

std::string VipsFailure() {
  std::string message = vips_error_buffer();
  vips_error_clear();
  if (auto newline = message.find('\n'); newline != std::string::npos) message.resize(newline);
  return message;
}

bool EndsComplete(Format format, std::string_view bytes) {
  switch (format) {
    case Format::kJpeg: {
      // The end-of-image marker; some encoders pad after it with zero bytes.
      auto end = bytes.find_last_not_of('\0');
      return end != std::string_view::npos && end >= 1 &&
             static_cast<unsigned char>(bytes[end - 1]) == 0xFF &&
             static_cast<unsigned char>(bytes[end]) == 0xD9;
    }
    case Format::kPng: {
      static constexpr unsigned char kIend[] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                                0xAE, 0x42, 0x60, 0x82};
      return bytes.size() >= 12 && std::memcmp(bytes.data() + bytes.size() - 12, kIend, 12) == 0;
    }
    case Format::kWebp: {
      if (bytes.size() < 12) return false;
      const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + 4;
      std::uint64_t riff = p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint64_t{p[3]} << 24);
      return riff + 8 <= bytes.size();
    }
  }
  return false;
}

// Loads lazily: the header is read, pixels only when something asks for them.
Image Load(Format format, std::string_view bytes) {
  InitVips();
  VipsImage* out = nullptr;
  void* data = const_cast<char*>(bytes.data());
  int failed = 0;
  switch (format) {
    case Format::kJpeg:
      failed = vips_jpegload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                    "fail_on", VIPS_FAIL_ON_WARNING, nullptr);
      break;
    case Format::kPng:
      failed = vips_pngload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                   "fail_on", VIPS_FAIL_ON_WARNING, nullptr);
      break;
    case Format::kWebp:
      failed = vips_webpload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                    "fail_on", VIPS_FAIL_ON_WARNING, nullptr);
      break;
  }
  if (failed) Reject("not a readable " + std::string(Extension(format)) + " image: " + VipsFailure());
  return Image(out);
}

void CheckHeader(VipsImage* image, const Limits& limits) {
  const int width = vips_image_get_width(image);
  const int height = vips_image_get_height(image);
  if (width <= 0 || height <= 0) Reject("the image has no pixels");
  if (vips_image_get_n_pages(image) > 1) Reject("animated images are not accepted");
  if (width > limits.max_side || height > limits.max_side ||
      std::uint64_t(width) * std::uint64_t(height) > limits.max_pixels) {
    Reject("the image is " + std::to_string(width) + "x" + std::to_string(height) +
           "; at most " + std::to_string(limits.max_side) + " pixels a side and " +
           std::to_string(limits.max_pixels) + " pixels in all are accepted");
  }
}

std::string Save(VipsImage* image, Format format, int quality) {
  void* buffer = nullptr;
  size_t length = 0;
  int failed = 0;
  switch (format) {
    case Format::kJpeg:
      failed = vips_jpegsave_buffer(image, &buffer, &length, "Q", quality, "strip", TRUE,
                                    "optimize_coding", TRUE, nullptr);
      break;
    case Format::kPng:
      failed = vips_pngsave_buffer(image, &buffer, &length, "strip", TRUE, nullptr);
      break;
    case Format::kWebp:
      failed = vips_webpsave_buffer(image, &buffer, &length, "Q", quality, "strip", TRUE, nullptr);
      break;
  }
  if (failed) Reject("the image could not be encoded: " + VipsFailure());
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

}  // namespace

std::string_view ContentType(Format format) {
  switch (format) {
    case Format::kJpeg: return "image/jpeg";
    case Format::kPng: return "image/png";
    case Format::kWebp: return "image/webp";
  }
  return "application/octet-stream";
}

std::string_view Extension(Format format) {
  switch (format) {
    case Format::kJpeg: return "jpg";
    case Format::kPng: return "png";
    case Format::kWebp: return "webp";
  }
  return "bin";
}

std::optional<Format> FormatOfContentType(std::string_view content_type) {
  if (content_type == "image/jpeg") return Format::kJpeg;
  if (content_type == "image/png") return Format::kPng;
  if (content_type == "image/webp") return Format::kWebp;
  return std::nullopt;
}

std::optional<Format> Sniff(std::string_view bytes) {
  auto starts = [&](std::string_view magic, std::size_t at = 0) {
    return bytes.size() >= at + magic.size() && bytes.substr(at, magic.size()) == magic;
  };
  if (starts("\xFF\xD8\xFF")) return Format::kJpeg;
  if (starts(std::string_view("\x89PNG\r\n\x1A\n", 8))) return Format::kPng;
  if (starts("RIFF") && starts("WEBP", 8)) return Format::kWebp;
  return std::nullopt;
}

Header Inspect(std::string_view bytes, const Limits& limits) {
  const auto format = Sniff(bytes);
  if (!format) Reject("the bytes are not a JPEG, PNG or WebP image");
  if (!EndsComplete(*format, bytes)) Reject("the image is truncated");
  Image image = Load(*format, bytes);
  CheckHeader(image.get(), limits);
  return Header{*format, vips_image_get_width(image.get()), vips_image_get_height(image.get())};
}

Processed MakeVariants(std::string_view bytes, const Limits& limits,
                       const std::vector<int>& widths) {
  const Header header = Inspect(bytes, limits);
  Image loaded = Load(header.format, bytes);
  VipsImage* upright = nullptr;
  if (vips_autorot(loaded.get(), &upright, nullptr)) Reject("the image could not be read: " + VipsFailure());
  Image rotated(upright);
  // One full decode into memory: a corrupt stream fails here, and every variant reads from it.
  VipsImage* decoded = vips_image_copy_memory(rotated.get());
  if (decoded == nullptr) Reject("the image could not be decoded: " + VipsFailure());
  Image memory(decoded);
  const int width = vips_image_get_width(memory.get());
  const int height = vips_image_get_height(memory.get());

  Processed out;
  out.original = {header.format, width, height, Save(memory.get(), header.format, 90)};
  for (int target : widths) {
    if (target <= 0 || target >= width) continue;
    VipsImage* resized = nullptr;
    if (vips_resize(memory.get(), &resized, double(target) / width, nullptr)) {
      Reject("the image could not be resized: " + VipsFailure());
    }
    Image small(resized);
    out.variants.push_back({Format::kWebp, vips_image_get_width(small.get()),
                            vips_image_get_height(small.get()),
                            Save(small.get(), Format::kWebp, 80)});
  }
  return out;
}

}  // namespace livedrop::image
