#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// Product images with libvips: what is accepted, checked from the bytes (never from what a
// client claimed), and the re-encodes that are served. Only three formats are loaded, each by
// its own loader (no generic loader that would try ImageMagick, SVG or PDF on hostile bytes;
// libvips' untrusted loaders are blocked as well).
namespace livedrop::image {

enum class Format { kJpeg, kPng, kWebp };

std::string_view ContentType(Format format);  // image/jpeg, image/png, image/webp
std::string_view Extension(Format format);    // jpg, png, webp
std::optional<Format> FormatOfContentType(std::string_view content_type);
// From the magic bytes.
std::optional<Format> Sniff(std::string_view bytes);

struct Limits {
  std::uint64_t max_pixels = 40'000'000;  // width × height (a 12 MP photo is well inside)
  int max_side = 12'000;
};

// Thrown for bytes that are not an acceptable image; what() says why, for the client.
class InvalidImage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Header {
  Format format;
  int width = 0;
  int height = 0;
};

// The cheap checks, with no pixel decoded: the format from the magic bytes, the file's own
// structure complete (a truncated JPEG, PNG or WebP is refused here), one frame only (an
// animation, and so any frame bomb, is refused), and the dimensions the header declares within
// `limits` (a decompression bomb is refused before it is decoded). Throws InvalidImage.
Header Inspect(std::string_view bytes, const Limits& limits);

struct Encoded {
  Format format;
  int width = 0;
  int height = 0;
  std::string bytes;
};

struct Processed {
  Encoded original;               // the image re-encoded in its own format, without metadata
  std::vector<Encoded> variants;  // WebP, one per requested width below the image's own
};

// Inspect, then the whole image decoded (any decoder warning is a failure: a corrupt stream
// is not served half-grey), turned upright by its EXIF orientation, and re-encoded without
// metadata (EXIF, GPS, ICC comments). Blocking CPU work: run it on a worker pool.
Processed MakeVariants(std::string_view bytes, const Limits& limits,
                       const std::vector<int>& widths);

}  // namespace livedrop::image
