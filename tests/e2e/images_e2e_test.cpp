// Product images end to end: the gateway and livedrop-drops against a real S3-compatible
// store (s3rver, from npm) with nginx as the CDN in front of it, as `up` runs them. The client
// uploads straight to the presigned URL; the bytes never pass through the gateway.
#include <gtest/gtest.h>
#include <vips/vips.h>

#include <boost/url/parse.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "api.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/s3/object_store.h"
#include "livedrop/testing/process.h"
#include "platform.h"

namespace livedrop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr char kBucket[] = "livedrop-media";

// A width × height JPEG (PNG, WebP) with some detail, made by libvips.
std::string Picture(int width, int height, const char* suffix) {
  VipsImage* xy = nullptr;
  EXPECT_EQ(vips_xyz(&xy, width, height, nullptr), 0);
  VipsImage* x = nullptr;
  EXPECT_EQ(vips_extract_band(xy, &x, 0, nullptr), 0);
  VipsImage* bands[] = {x, x, x};
  VipsImage* rgb = nullptr;
  EXPECT_EQ(vips_bandjoin(bands, &rgb, 3, nullptr), 0);
  VipsImage* bytes = nullptr;
  EXPECT_EQ(vips_cast_uchar(rgb, &bytes, nullptr), 0);
  void* buffer = nullptr;
  size_t length = 0;
  EXPECT_EQ(vips_image_write_to_buffer(bytes, suffix, &buffer, &length, nullptr), 0);
  std::string out(static_cast<char*>(buffer), length);
  g_free(buffer);
  for (VipsImage* image : {bytes, rgb, x, xy}) g_object_unref(image);
  return out;
}

// A PNG declaring 30000 × 30000 pixels in 80 bytes.
std::string PngBomb() {
  auto be32 = [](std::uint32_t v) { return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; };
  auto crc = [](const std::string& data) {
    std::uint32_t c = 0xFFFFFFFF;
    for (unsigned char b : data) {
      c ^= b;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
  };
  auto chunk = [&](const std::string& type, const std::string& data) {
    return be32(data.size()) + type + data + be32(crc(type + data));
  };
  return std::string("\x89PNG\r\n\x1A\n", 8) +
         chunk("IHDR", be32(30000) + be32(30000) + std::string("\x08\x02\x00\x00\x00", 5)) +
         chunk("IDAT", std::string("\x78\x9C\x63\x00\x00\x00\x01\x00\x01", 9)) + chunk("IEND", "");
}

// An animated WebP (several frames).
std::string AnimatedWebp() {
  VipsImage* xy = nullptr;
  EXPECT_EQ(vips_xyz(&xy, 16, 16 * 12, nullptr), 0);
  VipsImage* frames = nullptr;
  EXPECT_EQ(vips_cast_uchar(xy, &frames, nullptr), 0);
  VipsImage* paged = nullptr;
  EXPECT_EQ(vips_copy(frames, &paged, nullptr), 0);
  vips_image_set_int(paged, "page-height", 16);
  void* buffer = nullptr;
  size_t length = 0;
  EXPECT_EQ(vips_webpsave_buffer(paged, &buffer, &length, nullptr), 0);
  std::string out(static_cast<char*>(buffer), length);
  g_free(buffer);
  for (VipsImage* image : {paged, frames, xy}) g_object_unref(image);
  return out;
}

struct Url {
  int port = 0;
  std::string target;  // path?query
};

Url ParseUrl(const std::string& text) {
  const auto url = boost::urls::parse_uri(text);
  EXPECT_TRUE(url.has_value()) << text;
  return {std::stoi(std::string(url->port())), std::string(url->encoded_resource())};
}

std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  return dir;
}

// The dev store (s3rver with SigV4 verified) and nginx, on free loopback ports, with the CDN
// configuration `up` and compose use.
class ImagesE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    VIPS_INIT("images_e2e_test");
    s3_port_ = testing::FreePort();
    cdn_port_ = testing::FreePort();
    s3_dir_ = TempDir("livedrop-s3rver");
    s3rver_ = new testing::Process(
        "/usr/bin/node", {LIVEDROP_E2E_S3RVER, "-d", s3_dir_, "-a", "127.0.0.1", "-p",
                          std::to_string(s3_port_), "--silent", "--configure-bucket", kBucket});
    ASSERT_TRUE(testing::WaitForTcp(s3_port_, 20s)) << s3rver_->ReadLog();
    cdn_dir_ = TempDir("livedrop-cdn");
    WriteNginxConfig();
    nginx_ = new testing::Process(LIVEDROP_E2E_NGINX,
                                  {"-p", cdn_dir_, "-c", cdn_dir_ + "/nginx.conf", "-e",
                                   cdn_dir_ + "/error.log"});
    ASSERT_TRUE(testing::WaitForTcp(cdn_port_, 20s)) << nginx_->ReadLog();
    Platform::Options options;
    options.drops_env = {
        {"LIVEDROP_S3_ENDPOINT", "http://127.0.0.1:" + std::to_string(s3_port_)},
        {"LIVEDROP_S3_BUCKET", kBucket},
        {"LIVEDROP_S3_ACCESS_KEY", "S3RVER"},
        {"LIVEDROP_S3_SECRET_KEY", "S3RVER"},
        {"LIVEDROP_CDN_BASE_URL", "http://127.0.0.1:" + std::to_string(cdn_port_)},
        {"LIVEDROP_IMAGE_MAX_BYTES", "1048576"}};
    platform_ = new Platform(options);
  }
  static void TearDownTestSuite() {
    delete platform_;
    delete nginx_;
    delete s3rver_;
    std::filesystem::remove_all(s3_dir_);
    std::filesystem::remove_all(cdn_dir_);
  }

  static void WriteNginxConfig() {
    std::ifstream in(LIVEDROP_E2E_CDN_TEMPLATE);
    std::string snippet((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto put = [&](const std::string& name, const std::string& value) {
      snippet = std::regex_replace(snippet, std::regex("\\$\\{" + name + "\\}"), value);
    };
    put("LIVEDROP_CDN_LISTEN", "127.0.0.1:" + std::to_string(cdn_port_));
    put("LIVEDROP_CDN_ORIGIN", "127.0.0.1:" + std::to_string(s3_port_));
    put("LIVEDROP_CDN_BUCKET", kBucket);
    put("LIVEDROP_CDN_CACHE_DIR", cdn_dir_ + "/cache");
    std::ofstream(cdn_dir_ + "/cdn.conf") << snippet;
    std::ofstream(cdn_dir_ + "/nginx.conf")
        << "daemon off;\nworker_processes 1;\npid " << cdn_dir_ << "/nginx.pid;\n"
        << (::getuid() == 0 ? "user root;\n" : "") << "error_log " << cdn_dir_
        << "/error.log warn;\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n"
        << "  client_body_temp_path " << cdn_dir_ << "/tmp;\n  proxy_temp_path " << cdn_dir_
        << "/tmp;\n  fastcgi_temp_path " << cdn_dir_ << "/tmp;\n  uwsgi_temp_path " << cdn_dir_
        << "/tmp;\n  scgi_temp_path " << cdn_dir_ << "/tmp;\n  include " << cdn_dir_
        << "/cdn.conf;\n}\n";
  }

  HttpClient http() const { return platform_->Http(); }
  static HttpClient Store() { return HttpClient(s3_port_); }
  static HttpClient Cdn() { return HttpClient(cdn_port_); }

  // The objects under a prefix of the bucket, as s3rver lists them (ListObjectsV2 XML).
  static int CountObjects(const std::string& prefix) {
    const auto r = Store().Get(std::string("/") + kBucket + "?list-type=2&prefix=" + prefix);
    EXPECT_EQ(r.status, 200) << r.body;
    int n = 0;
    for (std::size_t at = 0; (at = r.body.find("<Key>", at)) != std::string::npos; ++at) ++n;
    return n;
  }

  HttpResult AskUpload(const Account& who, const std::string& product, const std::string& type,
                       std::size_t length) const {
    return http().PostJson("/v1/products/" + product + "/images",
                           json::serialize(json::object{{"content_type", type},
                                                        {"content_length", length}}),
                           who.access_token);
  }
  // Asks for an upload of `bytes` declared as `type`, PUTs them to the presigned URL (with the
  // headers it names) and returns the image id and the PUT's status.
  std::pair<std::string, int> Upload(const Account& who, const std::string& product,
                                     const std::string& type, const std::string& bytes) const {
    const auto asked = AskUpload(who, product, type, bytes.size());
    EXPECT_EQ(asked.status, 201) << asked.body;
    const auto body = Json(asked);
    const auto& upload = body.at("upload").as_object();
    EXPECT_EQ(upload.at("method").as_string(), "PUT");
    const auto url = ParseUrl(std::string(upload.at("url").as_string()));
    EXPECT_EQ(url.port, s3_port_) << "the upload goes to the store, not the gateway";
    std::map<std::string, std::string> headers;
    for (const auto& [name, value] : upload.at("headers").as_object()) {
      if (name != "Content-Length") headers[std::string(name)] = std::string(value.as_string());
    }
    const auto put = Store().Request("PUT", url.target, bytes, headers);
    return {Str(body, "image_id"), put.status};
  }
  HttpResult Complete(const Account& who, const std::string& product,
                      const std::string& image) const {
    return http().PostJson("/v1/products/" + product + "/images/" + image + "/complete", "{}",
                           who.access_token);
  }
  json::object AwaitReady(const std::string& product, const std::string& image) const {
    json::object seen;
    testing::Eventually(
        [&] {
          seen = Json(http().Get("/v1/products/" + product + "/images/" + image));
          return Str(seen, "status") != "processing";
        },
        20s, 50ms);
    return seen;
  }

  static inline Platform* platform_ = nullptr;
  static inline testing::Process* s3rver_ = nullptr;
  static inline testing::Process* nginx_ = nullptr;
  static inline int s3_port_ = 0;
  static inline int cdn_port_ = 0;
  static inline std::string s3_dir_;
  static inline std::string cdn_dir_;
};

TEST_F(ImagesE2E, Upload_Complete_VariantsOnTheCdn_MissThenHit_InProductAndDropViews) {
  const auto creator = RegisterAccount(http(), "creator");
  const auto product = NewProduct(http(), creator);
  const std::string photo = Picture(1200, 800, ".jpg");
  const auto [image, put] = Upload(creator, product, "image/jpeg", photo);
  ASSERT_EQ(put, 200);

  const auto completed = Complete(creator, product, image);
  ASSERT_TRUE(completed.status == 202 || completed.status == 200) << completed.body;
  const auto ready = AwaitReady(product, image);
  ASSERT_EQ(Str(ready, "status"), "ready") << json::serialize(ready);
  EXPECT_EQ(ready.at("width").as_int64(), 1200);
  EXPECT_EQ(ready.at("height").as_int64(), 800);
  const auto& variants = ready.at("variants").as_array();
  ASSERT_EQ(variants.size(), 2u) << "256 and 768 (1600 is wider than the photo)";
  EXPECT_EQ(variants[0].at("width").as_int64(), 256);
  EXPECT_EQ(variants[1].at("width").as_int64(), 768);
  EXPECT_EQ(CountObjects("uploads/"), 0) << "the upload is deleted once its variants exist";

  // The variant through the CDN: a miss, then a hit, immutable, with an ETag and ranges.
  const auto variant = ParseUrl(std::string(variants[0].at("url").as_string()));
  EXPECT_EQ(variant.port, cdn_port_);
  EXPECT_TRUE(std::regex_match(variant.target, std::regex("/i/[0-9a-f]{64}\\.webp")))
      << variant.target;
  const auto first = Cdn().Get(variant.target);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Header("x-cache-status"), "MISS");
  EXPECT_EQ(first.Header("content-type"), "image/webp");
  EXPECT_EQ(first.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_FALSE(first.Header("etag").empty());
  EXPECT_EQ(first.body.substr(0, 4), "RIFF");
  const auto second = Cdn().Get(variant.target);
  EXPECT_EQ(second.Header("x-cache-status"), "HIT");
  EXPECT_EQ(second.body, first.body);
  const auto range = Cdn().Request("GET", variant.target, "", {{"Range", "bytes=0-3"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, "RIFF");
  EXPECT_EQ(Cdn().Get("/uploads/" + image).status, 404) << "only content-addressed objects";

  // The product view and a drop view list it.
  const auto view = Json(http().Get("/v1/products/" + product));
  ASSERT_EQ(view.at("images").as_array().size(), 1u) << json::serialize(view);
  EXPECT_EQ(view.at("images").as_array()[0].at("id").as_string(), image);
  const auto drop = NewDrop(http(), creator, product, 1h, 2h, 10, 2);
  const auto drop_view = Json(http().Get("/v1/drops/" + drop));
  EXPECT_EQ(drop_view.at("product").at("images").as_array()[0].at("variants").as_array().size(),
            2u);

  // Deleted: gone from the view and from the bucket.
  EXPECT_EQ(http()
                .Request("DELETE", "/v1/products/" + product + "/images/" + image, "",
                         {{"Authorization", "Bearer " + creator.access_token}})
                .status,
            204);
  EXPECT_TRUE(Json(http().Get("/v1/products/" + product)).at("images").as_array().empty());
  EXPECT_EQ(CountObjects("i/"), 0);
}

TEST_F(ImagesE2E, BadBytes_422InvalidImage_NothingLeftInTheBucket) {
  const auto creator = RegisterAccount(http(), "creator");
  const auto product = NewProduct(http(), creator);
  const std::string jpeg = Picture(400, 300, ".jpg");
  const struct {
    const char* name;
    const char* type;
    std::string bytes;
  } cases[] = {
      {"text named .png", "image/png", "hello, I am a text file named photo.png\n"},
      {"truncated JPEG", "image/jpeg", jpeg.substr(0, jpeg.size() / 2)},
      {"30000 x 30000 PNG", "image/png", PngBomb()},
      {"animated WebP", "image/webp", AnimatedWebp()},
      {"JPEG declared PNG", "image/png", jpeg},
  };
  for (const auto& c : cases) {
    const auto [image, put] = Upload(creator, product, c.type, c.bytes);
    ASSERT_EQ(put, 200) << c.name;
    const auto r = Complete(creator, product, image);
    ExpectProblem(r, 422, "invalid_image");
    EXPECT_EQ(CountObjects("uploads/"), 0) << c.name << ": the object is deleted";
    EXPECT_EQ(Str(Json(http().Get("/v1/products/" + product + "/images/" + image)), "status"),
              "failed")
        << c.name;
  }
  EXPECT_EQ(CountObjects(""), 0);
  EXPECT_TRUE(Json(http().Get("/v1/products/" + product)).at("images").as_array().empty());
}

TEST_F(ImagesE2E, AskingForAnUpload_TypeSizeOwnerAndCountAreChecked) {
  const auto creator = RegisterAccount(http(), "creator");
  const auto other = RegisterAccount(http(), "creator");
  const auto buyer = RegisterAccount(http(), "buyer");
  const auto product = NewProduct(http(), creator);
  ExpectProblem(AskUpload(creator, product, "image/gif", 100), 415, "unsupported_media_type");
  ExpectProblem(AskUpload(creator, product, "image/jpeg", 1048577), 400, "validation_failed");
  ExpectProblem(AskUpload(creator, product, "image/jpeg", 0), 400, "validation_failed");
  ExpectProblem(AskUpload(other, product, "image/jpeg", 100), 403, "not_your_product");
  ExpectProblem(AskUpload(buyer, product, "image/jpeg", 100), 403, "creators_only");
  ExpectProblem(AskUpload(creator, "00000000-0000-4000-8000-000000000000", "image/jpeg", 100), 404,
                "not_found");
  for (int i = 0; i < 10; ++i) ASSERT_EQ(AskUpload(creator, product, "image/png", 100).status, 201);
  ExpectProblem(AskUpload(creator, product, "image/png", 100), 409, "too_many_images");
  // Completing before anything was uploaded.
  const auto second = NewProduct(http(), creator);
  const auto asked = Json(AskUpload(creator, second, "image/png", 100));
  ExpectProblem(Complete(creator, second, Str(asked, "image_id")), 409, "image_not_uploaded");
  ExpectProblem(Complete(other, second, Str(asked, "image_id")), 403, "not_your_product");
}

TEST_F(ImagesE2E, OldFreeStringImageUrls_Refused) {
  const auto creator = RegisterAccount(http(), "creator");
  const auto r = http().PostJson(
      "/v1/products",
      json::serialize(json::object{{"title", "Tee"},
                                   {"unit_amount", 100},
                                   {"currency", "EUR"},
                                   {"image_urls", json::array{"javascript:alert(1)"}}}),
      creator.access_token);
  ExpectProblem(r, 400, "validation_failed");
}

// The upload URL the service hands out signs the content type and length: a PUT with another
// type or another length is refused by the store (the dev store verifies SigV4 as S3 and MinIO
// do: tools/s3-check/dev-store.mjs), nothing is stored, and completing finds nothing uploaded.
TEST_F(ImagesE2E, PutOtherThanSigned_RefusedByTheStore_NothingStored) {
  const auto creator = RegisterAccount(http(), "creator");
  const auto product = NewProduct(http(), creator);
  const std::string jpeg = Picture(400, 300, ".jpg");
  const auto asked = AskUpload(creator, product, "image/jpeg", jpeg.size());
  ASSERT_EQ(asked.status, 201) << asked.body;
  const auto body = Json(asked);
  const auto url = ParseUrl(std::string(body.at("upload").at("url").as_string()));
  const auto other_type = Store().Request("PUT", url.target, jpeg, {{"Content-Type", "image/png"}});
  EXPECT_EQ(other_type.status, 403) << other_type.body;
  EXPECT_NE(other_type.body.find("SignatureDoesNotMatch"), std::string::npos) << other_type.body;
  const auto longer =
      Store().Request("PUT", url.target, jpeg + "extra", {{"Content-Type", "image/jpeg"}});
  EXPECT_EQ(longer.status, 403) << longer.body;
  EXPECT_EQ(CountObjects("uploads/"), 0);
  ExpectProblem(Complete(creator, product, Str(body, "image_id")), 409, "image_not_uploaded");
}

// The store keeps the signed expiry: a PUT after it is refused (the URL signed by libs/s3 as
// the service signs it, ten minutes ago for five). Complete still checks the stored length
// and the sniffed format itself, whatever the store (BadBytes: "JPEG declared PNG").
TEST_F(ImagesE2E, ExpiredUploadUrl_RefusedByTheStore) {
  s3::S3ObjectStore store({"http://127.0.0.1:" + std::to_string(s3_port_), "", "us-east-1",
                           kBucket, {"S3RVER", "S3RVER"}});
  const std::string png = Picture(64, 64, ".png");
  const auto url = ParseUrl(store.PresignPut("uploads/late", "image/png", png.size(), 5min,
                                             std::chrono::system_clock::now() - 10min));
  const auto put = Store().Request("PUT", url.target, png, {{"Content-Type", "image/png"}});
  EXPECT_EQ(put.status, 403) << put.body;
  EXPECT_NE(put.body.find("expired"), std::string::npos) << put.body;
  EXPECT_EQ(CountObjects("uploads/"), 0);
  // The same URL in time is taken.
  const auto fresh = ParseUrl(store.PresignPut("uploads/late", "image/png", png.size(), 5min,
                                               std::chrono::system_clock::now()));
  EXPECT_EQ(Store().Request("PUT", fresh.target, png, {{"Content-Type", "image/png"}}).status, 200);
  store.Delete("uploads/late");
}

// --- over GraphQL: the same flow through requestImageUpload, completeImageUpload and
// deleteProductImage -----------------------------------------------------------------------------

// POST /graphql as `who`; the answer (a 200 JSON object, or the test fails).
json::object GraphQL(const HttpClient& http, const std::string& query,
                     const json::object& variables, const Account& who) {
  const auto r = http.Request(
      "POST", "/graphql", json::serialize(json::object{{"query", query}, {"variables", variables}}),
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + who.access_token}});
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r);
}

// The extensions.code of each error of a GraphQL answer.
std::vector<std::string> ErrorCodes(const json::object& answer) {
  std::vector<std::string> codes;
  if (const auto* errors = answer.if_contains("errors")) {
    for (const auto& e : errors->as_array()) {
      codes.emplace_back(e.at("extensions").at("code").as_string());
    }
  }
  return codes;
}

constexpr char kRequestUpload[] = R"(mutation($p: ID!, $in: ImageUploadInput!) {
  requestImageUpload(productId: $p, input: $in) {
    image { id status } upload { method url headers { name value } expiresAt } } })";
constexpr char kCompleteUpload[] = R"(mutation($p: ID!, $i: ID!) {
  completeImageUpload(productId: $p, imageId: $i) { id status } })";
constexpr char kDeleteImage[] = R"(mutation($p: ID!, $i: ID!) {
  deleteProductImage(productId: $p, imageId: $i) })";
constexpr char kProductImages[] = R"(query($p: ID!) {
  product(id: $p) { images { id status width height url variants { width height url } } } })";

TEST_F(ImagesE2E, OverGraphQL_RequestPutCompleteReadyInProductImagesDelete_OthersRefused) {
  const auto creator = RegisterAccount(http(), "creator");
  const auto other = RegisterAccount(http(), "creator");
  const auto buyer = RegisterAccount(http(), "buyer");
  const auto product = NewProduct(http(), creator);
  const std::string photo = Picture(900, 600, ".png");
  const json::object ask{
      {"p", product},
      {"in", json::object{{"contentType", "image/png"},
                          {"contentLength", static_cast<std::int64_t>(photo.size())}}}};

  // Someone else's product, or a buyer: refused, with REST's codes.
  EXPECT_EQ(ErrorCodes(GraphQL(http(), kRequestUpload, ask, other)),
            std::vector<std::string>{"not_your_product"});
  EXPECT_EQ(ErrorCodes(GraphQL(http(), kRequestUpload, ask, buyer)),
            std::vector<std::string>{"creators_only"});

  // Asked for: an upload URL on the store, not on the gateway.
  const auto asked = GraphQL(http(), kRequestUpload, ask, creator);
  ASSERT_FALSE(asked.contains("errors")) << json::serialize(asked);
  const auto& ticket = asked.at("data").at("requestImageUpload").as_object();
  const std::string image(ticket.at("image").at("id").as_string());
  EXPECT_EQ(ticket.at("image").at("status").as_string(), "AWAITING_UPLOAD");
  const auto& upload = ticket.at("upload").as_object();
  EXPECT_EQ(upload.at("method").as_string(), "PUT");
  EXPECT_FALSE(upload.at("expiresAt").as_string().empty());
  const auto url = ParseUrl(std::string(upload.at("url").as_string()));
  EXPECT_EQ(url.port, s3_port_) << "the upload goes to the store, not the gateway";
  std::map<std::string, std::string> headers;
  for (const auto& h : upload.at("headers").as_array()) {
    headers[std::string(h.at("name").as_string())] = std::string(h.at("value").as_string());
  }
  EXPECT_EQ(headers["Content-Type"], "image/png");
  EXPECT_EQ(headers["Content-Length"], std::to_string(photo.size()));
  headers.erase("Content-Length");  // the HTTP client sends the body's own
  ASSERT_EQ(Store().Request("PUT", url.target, photo, headers).status, 200);

  // Completed: processing (or ready), then ready with its variants in Product.images.
  const json::object ids{{"p", product}, {"i", image}};
  EXPECT_EQ(ErrorCodes(GraphQL(http(), kCompleteUpload, ids, other)),
            std::vector<std::string>{"not_your_product"});
  const auto completed = GraphQL(http(), kCompleteUpload, ids, creator);
  ASSERT_FALSE(completed.contains("errors")) << json::serialize(completed);
  const auto status = completed.at("data").at("completeImageUpload").at("status").as_string();
  EXPECT_TRUE(status == "PROCESSING" || status == "READY") << status;
  json::array images;
  testing::Eventually(
      [&] {
        const auto seen = GraphQL(http(), kProductImages, {{"p", product}}, creator);
        images = seen.at("data").at("product").at("images").as_array();
        return !images.empty();
      },
      20s, 50ms);
  ASSERT_EQ(images.size(), 1u);
  const auto& ready = images[0].as_object();
  EXPECT_EQ(ready.at("id").as_string(), image);
  EXPECT_EQ(ready.at("status").as_string(), "READY");
  EXPECT_EQ(ready.at("width").as_int64(), 900);
  EXPECT_EQ(ready.at("height").as_int64(), 600);
  const auto& variants = ready.at("variants").as_array();
  ASSERT_EQ(variants.size(), 2u) << "256 and 768 (1600 is wider than the picture)";
  EXPECT_EQ(variants[0].at("width").as_int64(), 256);
  EXPECT_EQ(variants[1].at("width").as_int64(), 768);
  const auto variant = ParseUrl(std::string(variants[1].at("url").as_string()));
  EXPECT_EQ(variant.port, cdn_port_);
  const auto served = Cdn().Get(variant.target);
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.body.substr(0, 4), "RIFF");

  // Deleted by its creator only: gone from Product.images and from the store.
  EXPECT_EQ(ErrorCodes(GraphQL(http(), kDeleteImage, ids, other)),
            std::vector<std::string>{"not_your_product"});
  const auto deleted = GraphQL(http(), kDeleteImage, ids, creator);
  ASSERT_FALSE(deleted.contains("errors")) << json::serialize(deleted);
  EXPECT_EQ(deleted.at("data").at("deleteProductImage").as_string(), image);
  const auto after = GraphQL(http(), kProductImages, {{"p", product}}, creator);
  EXPECT_TRUE(after.at("data").at("product").at("images").as_array().empty());
  EXPECT_EQ(Store().Get(std::string("/") + kBucket + variant.target).status, 404)
      << "the variant's object is deleted";
}

}  // namespace
}  // namespace livedrop::e2e
