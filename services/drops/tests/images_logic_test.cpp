#include <gtest/gtest.h>

#include <functional>

#include "images_logic.h"
#include "livedrop/core/error.h"

namespace livedrop::drops {
namespace {

std::string CodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

TEST(ImagesLogic, ValidateUpload_OnlyJpegPngWebp_UpToTheLimit) {
  EXPECT_EQ(ValidateUpload("image/jpeg", 1, 100), image::Format::kJpeg);
  EXPECT_EQ(ValidateUpload("image/png", 100, 100), image::Format::kPng);
  EXPECT_EQ(ValidateUpload("image/webp", 50, 100), image::Format::kWebp);
  EXPECT_EQ(CodeOf([] { ValidateUpload("image/gif", 10, 100); }), "unsupported_media_type");
  EXPECT_EQ(CodeOf([] { ValidateUpload("image/svg+xml", 10, 100); }), "unsupported_media_type");
  EXPECT_EQ(CodeOf([] { ValidateUpload("IMAGE/PNG", 10, 100); }), "unsupported_media_type");
  EXPECT_EQ(CodeOf([] { ValidateUpload("image/png", 101, 100); }), "validation_failed");
  EXPECT_EQ(CodeOf([] { ValidateUpload("image/png", 0, 100); }), "validation_failed");
  EXPECT_EQ(CodeOf([] { ValidateUpload("image/png", -1, 100); }), "validation_failed");
}

TEST(ImagesLogic, Keys_UploadsApart_ContentAddressedBySha256) {
  EXPECT_EQ(UploadKey("abc"), "uploads/abc");
  // SHA-256 of "abc".
  EXPECT_EQ(ContentKey("abc", image::Format::kWebp),
            "i/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.webp");
  EXPECT_NE(ContentKey("abd", image::Format::kWebp), ContentKey("abc", image::Format::kWebp));
  EXPECT_EQ(ContentKey("abc", image::Format::kJpeg).substr(66), ".jpg");
}

TEST(ImagesLogic, StatusNames_RoundTrip) {
  for (auto status : {ImageStatus::kAwaitingUpload, ImageStatus::kProcessing, ImageStatus::kReady,
                      ImageStatus::kFailed}) {
    EXPECT_EQ(ParseImageStatus(ImageStatusName(status)), status);
  }
}

TEST(ImagesLogic, ViewsJson_RoundTrip) {
  const std::vector<ImageVariantView> variants{{256, 128, "https://cdn/i/a.webp"},
                                               {768, 384, "https://cdn/i/b.webp"}};
  EXPECT_EQ(VariantsFromJson(VariantsToJson(variants)).size(), 2u);
  EXPECT_EQ(VariantsFromJson(VariantsToJson(variants))[1].url, "https://cdn/i/b.webp");
  const auto views = ImageViewsFromJson(
      R"([{"id":"x","width":1000,"height":500,"url":"u","variants":)" + VariantsToJson(variants) +
      "}]");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].width, 1000);
  EXPECT_EQ(views[0].variants[0].height, 128);
  EXPECT_TRUE(ImageViewsFromJson("[]").empty());
}

}  // namespace
}  // namespace livedrop::drops
