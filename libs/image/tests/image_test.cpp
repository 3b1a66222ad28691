// livedrop::image on real bytes made by libvips itself (and, for the bombs, written by hand):
// what is accepted, what is refused and why, and what the variants are.
#include <gtest/gtest.h>
#include <vips/vips.h>

#include <cstdint>
#include <string>

#include "livedrop/image/image.h"

namespace livedrop::image {
namespace {

// A width × height picture with some detail (a gradient), encoded as `saver` writes it.
std::string Picture(int width, int height, const char* suffix) {
  VipsImage* xy = nullptr;
  EXPECT_EQ(vips_xyz(&xy, width, height, nullptr), 0);  // two bands: x and y
  VipsImage* x = nullptr;
  VipsImage* y = nullptr;
  EXPECT_EQ(vips_extract_band(xy, &x, 0, nullptr), 0);
  EXPECT_EQ(vips_extract_band(xy, &y, 1, nullptr), 0);
  VipsImage* rgb = nullptr;
  VipsImage* bands[] = {x, y, x};
  EXPECT_EQ(vips_bandjoin(bands, &rgb, 3, nullptr), 0);
  VipsImage* bytes = nullptr;
  EXPECT_EQ(vips_cast_uchar(rgb, &bytes, nullptr), 0);
  void* buffer = nullptr;
  size_t length = 0;
  EXPECT_EQ(vips_image_write_to_buffer(bytes, suffix, &buffer, &length, nullptr), 0)
      << vips_error_buffer();
  std::string out(static_cast<char*>(buffer), length);
  g_free(buffer);
  g_object_unref(bytes);
  g_object_unref(rgb);
  g_object_unref(y);
  g_object_unref(x);
  g_object_unref(xy);
  return out;
}

std::uint32_t Crc32(std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFF;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string Be32(std::uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string Chunk(const std::string& type, const std::string& data) {
  return Be32(data.size()) + type + data + Be32(Crc32(type + data));
}

// A complete, well-formed PNG whose header declares width × height, with one tiny (and
// short) IDAT: it costs nothing to send and 900 million pixels to decode.
std::string PngDeclaring(std::uint32_t width, std::uint32_t height) {
  std::string ihdr = Be32(width) + Be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1A\n", 8) + Chunk("IHDR", ihdr) +
         Chunk("IDAT", std::string("\x78\x9C\x63\x00\x00\x00\x01\x00\x01", 9)) +
         Chunk("IEND", "");
}

// An animated WebP: `frames` pages of size × size, each unlike the last (the encoder merges
// identical frames; the gradient stops changing past 255 rows, so keep size * frames small).
std::string AnimatedWebp(int size, int frames) {
  VipsImage* xy = nullptr;
  EXPECT_EQ(vips_xyz(&xy, size, size * frames, nullptr), 0);
  VipsImage* x = nullptr;
  EXPECT_EQ(vips_cast_uchar(xy, &x, nullptr), 0);
  g_object_unref(xy);
  VipsImage* copy = nullptr;
  EXPECT_EQ(vips_copy(x, &copy, nullptr), 0);
  vips_image_set_int(copy, "page-height", size);
  void* buffer = nullptr;
  size_t length = 0;
  EXPECT_EQ(vips_webpsave_buffer(copy, &buffer, &length, nullptr), 0) << vips_error_buffer();
  std::string out(static_cast<char*>(buffer), length);
  g_free(buffer);
  g_object_unref(copy);
  g_object_unref(x);
  return out;
}

const Limits kLimits{};

TEST(ImageSniff, FormatFromMagicBytes) {
  EXPECT_EQ(Sniff(Picture(8, 8, ".jpg")), Format::kJpeg);
  EXPECT_EQ(Sniff(Picture(8, 8, ".png")), Format::kPng);
  EXPECT_EQ(Sniff(Picture(8, 8, ".webp")), Format::kWebp);
  EXPECT_EQ(Sniff("hello, I am a text file named photo.png\n"), std::nullopt);
  EXPECT_EQ(Sniff(""), std::nullopt);
  EXPECT_EQ(FormatOfContentType("image/png"), Format::kPng);
  EXPECT_EQ(FormatOfContentType("image/gif"), std::nullopt);
}

TEST(ImageInspect, AcceptsEachFormat_WithItsDimensions) {
  for (const char* suffix : {".jpg", ".png", ".webp"}) {
    const Header header = Inspect(Picture(320, 200, suffix), kLimits);
    EXPECT_EQ(header.width, 320) << suffix;
    EXPECT_EQ(header.height, 200) << suffix;
  }
}

TEST(ImageInspect, TextNamedPng_Refused) {
  EXPECT_THROW(Inspect("hello, I am a text file named photo.png\n", kLimits), InvalidImage);
}

TEST(ImageInspect, TruncatedJpeg_Refused) {
  std::string jpeg = Picture(640, 480, ".jpg");
  try {
    Inspect(jpeg.substr(0, jpeg.size() / 2), kLimits);
    FAIL() << "a truncated JPEG was accepted";
  } catch (const InvalidImage& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(ImageInspect, TruncatedPngAndWebp_Refused) {
  std::string png = Picture(64, 64, ".png");
  EXPECT_THROW(Inspect(png.substr(0, png.size() - 20), kLimits), InvalidImage);
  std::string webp = Picture(64, 64, ".webp");
  EXPECT_THROW(Inspect(webp.substr(0, webp.size() - 10), kLimits), InvalidImage);
}

TEST(ImageInspect, DecompressionBomb30000Square_RefusedFromTheHeader) {
  const std::string bomb = PngDeclaring(30000, 30000);
  ASSERT_LT(bomb.size(), 100u);
  try {
    Inspect(bomb, kLimits);
    FAIL() << "a 30000x30000 PNG was accepted";
  } catch (const InvalidImage& e) {
    EXPECT_NE(std::string(e.what()).find("30000x30000"), std::string::npos) << e.what();
  }
  EXPECT_THROW(MakeVariants(bomb, kLimits, {256}), InvalidImage);
}

TEST(ImageInspect, LimitsAreTheCallers) {
  const std::string picture = Picture(300, 100, ".png");
  EXPECT_NO_THROW(Inspect(picture, Limits{30'000, 300}));
  EXPECT_THROW(Inspect(picture, Limits{29'999, 300}), InvalidImage);
  EXPECT_THROW(Inspect(picture, Limits{30'000, 299}), InvalidImage);
}

TEST(ImageInspect, AnimatedBomb_Refused) {
  const std::string animated = AnimatedWebp(16, 12);
  ASSERT_NE(animated.find("ANIM"), std::string::npos) << "the fixture should be animated";
  try {
    Inspect(animated, kLimits);
    FAIL() << "an animated WebP was accepted";
  } catch (const InvalidImage& e) {
    EXPECT_NE(std::string(e.what()).find("animated"), std::string::npos) << e.what();
  }
}

TEST(ImageVariants, WebpPerWidthBelowTheOriginal_AndTheOriginalReencoded) {
  const std::string jpeg = Picture(1000, 500, ".jpg");
  const Processed out = MakeVariants(jpeg, kLimits, {256, 768, 1600});
  EXPECT_EQ(out.original.format, Format::kJpeg);
  EXPECT_EQ(out.original.width, 1000);
  EXPECT_EQ(out.original.height, 500);
  EXPECT_EQ(Sniff(out.original.bytes), Format::kJpeg);
  ASSERT_EQ(out.variants.size(), 2u);  // 1600 is wider than the picture: not made
  EXPECT_EQ(out.variants[0].width, 256);
  EXPECT_EQ(out.variants[0].height, 128);
  EXPECT_EQ(out.variants[1].width, 768);
  for (const auto& variant : out.variants) {
    EXPECT_EQ(Sniff(variant.bytes), Format::kWebp);
    EXPECT_EQ(Inspect(variant.bytes, kLimits).width, variant.width);
  }
}

TEST(ImageVariants, MetadataStripped) {
  // A JPEG carrying an EXIF comment: the re-encoded original must not.
  VipsImage* black = nullptr;
  ASSERT_EQ(vips_black(&black, 64, 64, "bands", 3, nullptr), 0);
  VipsImage* tagged = nullptr;
  ASSERT_EQ(vips_copy(black, &tagged, nullptr), 0);
  vips_image_set_string(tagged, "exif-ifd0-ImageDescription", "secret GPS place");
  void* buffer = nullptr;
  size_t length = 0;
  ASSERT_EQ(vips_jpegsave_buffer(tagged, &buffer, &length, nullptr), 0);
  std::string jpeg(static_cast<char*>(buffer), length);
  g_free(buffer);
  g_object_unref(tagged);
  g_object_unref(black);
  ASSERT_NE(jpeg.find("Exif"), std::string::npos) << "the fixture should carry EXIF";
  const Processed out = MakeVariants(jpeg, kLimits, {});
  EXPECT_EQ(out.original.bytes.find("Exif"), std::string::npos);
  EXPECT_EQ(out.original.bytes.find("secret GPS place"), std::string::npos);
}

}  // namespace
}  // namespace livedrop::image
