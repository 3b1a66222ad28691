// livedrop-bench-images: how many variant sets per second the drops service's image worker
// makes from a 12-megapixel JPEG, on 1 and on 2 threads, next to a baseline measured in the
// same run: libvips decoding the same JPEG into memory and nothing else (the first step of
// the variant work), so the ratio says what the re-encode and the resized WebPs cost on top.
//
//   livedrop-bench-images --images=10 --rounds=3 [--input=photo.jpg] [--save=DIR]
//
// A second reference, decode + a plain JPEG encode at quality 90, is closer to what the
// original's re-encode costs, so what the three WebPs add can be read off too.
//
// The work timed is livedrop::image::MakeVariants, the call ImagesApp::Process makes on the
// service's worker (services/drops/images_app.cpp), with the service's default widths and
// limits. Without --input the photo is made here: 4000 x 3000, smooth colour gradients under
// Perlin texture at two scales and Gaussian sensor noise, saved as JPEG at quality 90 (a flat
// or purely synthetic picture would decode and compress unrealistically fast).
#include <vips/vips.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "livedrop/config/config.h"
#include "livedrop/image/image.h"

namespace config = livedrop::config;
namespace image = livedrop::image;
using Clock = std::chrono::steady_clock;

namespace {

struct Unref {
  void operator()(VipsImage* im) const { g_object_unref(im); }
};
using Image = std::unique_ptr<VipsImage, Unref>;

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error(what + ": " + vips_error_buffer());
}

// `out` by reference: read after the call that fills it (argument order is unspecified).
Image Check(int failed, VipsImage*& out, const char* what) {
  if (failed) Fail(what);
  return Image(out);
}

Image Linear(const Image& in, double scale, double offset) {
  VipsImage* out = nullptr;
  return Check(vips_linear1(in.get(), &out, scale, offset, nullptr), out, "linear");
}

Image Add(const Image& a, const Image& b) {
  VipsImage* out = nullptr;
  return Check(vips_add(a.get(), b.get(), &out, nullptr), out, "add");
}

Image Perlin(int width, int height, int cell, int seed) {
  VipsImage* out = nullptr;
  return Check(vips_perlin(&out, width, height, "cell_size", cell, "seed", seed, nullptr), out,
               "perlin");
}

// One band: a gradient along x or y, large and small Perlin texture, sensor noise.
Image Band(const Image& ramp, double ramp_scale, int width, int height, int seed) {
  VipsImage* noise = nullptr;
  Image sensor = Check(vips_gaussnoise(&noise, width, height, "sigma", 6.0, "mean", 0.0, "seed",
                                       seed, nullptr),
                       noise, "gaussnoise");
  Image band = Linear(ramp, ramp_scale, 40);
  band = Add(band, Linear(Perlin(width, height, 400, seed), 70, 0));
  band = Add(band, Linear(Perlin(width, height, 24, seed + 100), 22, 0));
  return Add(band, sensor);
}

std::string MakePhoto(int width, int height) {
  VipsImage* xy = nullptr;
  Image coords = Check(vips_xyz(&xy, width, height, nullptr), xy, "xyz");
  VipsImage* x = nullptr;
  VipsImage* y = nullptr;
  Image xs = Check(vips_extract_band(coords.get(), &x, 0, nullptr), x, "extract x");
  Image ys = Check(vips_extract_band(coords.get(), &y, 1, nullptr), y, "extract y");
  Image r = Band(xs, 150.0 / width, width, height, 1);
  Image g = Band(ys, 150.0 / height, width, height, 2);
  Image b = Band(xs, -120.0 / width, width, height, 3);
  b = Linear(b, 1, 120);
  VipsImage* bands[] = {r.get(), g.get(), b.get()};
  VipsImage* joined = nullptr;
  Image rgb = Check(vips_bandjoin(bands, &joined, 3, nullptr), joined, "bandjoin");
  VipsImage* clipped = nullptr;
  Image bytes = Check(vips_cast_uchar(rgb.get(), &clipped, nullptr), clipped, "cast");
  VipsImage* srgb = nullptr;
  Image tagged = Check(vips_copy(bytes.get(), &srgb, "interpretation", VIPS_INTERPRETATION_sRGB,
                                 nullptr),
                       srgb, "copy");
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_jpegsave_buffer(tagged.get(), &buffer, &length, "Q", 90, nullptr)) Fail("jpegsave");
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

// The baseline: the JPEG decoded into memory as MakeVariants decodes it (same loader options);
// with `encode`, also saved again as a plain JPEG (quality 90, no options), a second reference
// closer to the original's re-encode.
void Decode(const std::string& bytes, bool encode) {
  VipsImage* loaded = nullptr;
  Image lazy = Check(vips_jpegload_buffer(const_cast<char*>(bytes.data()), bytes.size(), &loaded,
                                          "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                          VIPS_FAIL_ON_WARNING, nullptr),
                     loaded, "jpegload");
  Image decoded(vips_image_copy_memory(lazy.get()));
  if (!decoded) Fail("decode");
  if (!encode) return;
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_jpegsave_buffer(decoded.get(), &buffer, &length, "Q", 90, nullptr)) Fail("jpegsave");
  g_free(buffer);
}

struct Run {
  int threads = 0;
  int images = 0;
  long long outputs = 0;  // encoded images: the original plus each variant
  double seconds = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double PerSecond() const { return images / seconds; }
  double OutputsPerSecond() const { return outputs / seconds; }
};

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(p * (values.size() - 1) + 0.5);
  return values[std::min(at, values.size() - 1)];
}

// `work` once per image, `images` times over `threads` threads; returns per-image latencies.
template <typename Work>
Run Measure(int threads, int images, Work work) {
  std::vector<double> ms(images);
  std::atomic<int> next{0};
  std::atomic<long long> outputs{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < images; i = next++) {
        const auto begin = Clock::now();
        outputs += work();
        ms[i] = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
      }
    });
  }
  for (auto& thread : pool) thread.join();
  Run run;
  run.threads = threads;
  run.images = images;
  run.outputs = outputs;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.p50_ms = Percentile(ms, 0.50);
  run.p95_ms = Percentile(ms, 0.95);
  return run;
}

void Print(const char* name, const Run& run, const char* unit) {
  std::printf("%-34s %d thread%s  %3d images in %6.2f s = %6.2f images/s  %7.2f %s/s  "
              "p50 %7.1f ms  p95 %7.1f ms\n",
              name, run.threads, run.threads == 1 ? " " : "s", run.images, run.seconds,
              run.PerSecond(), run.OutputsPerSecond(), unit, run.p50_ms, run.p95_ms);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::vector<int> Widths(const std::string& list) {
  std::vector<int> out;
  std::size_t at = 0;
  while (at < list.size()) {
    const auto comma = std::min(list.find(',', at), list.size());
    out.push_back(std::stoi(list.substr(at, comma - at)));
    at = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  config::Spec spec("livedrop-bench-images",
                    "Variant sets per second from a 12-megapixel JPEG (livedrop::image::"
                    "MakeVariants, as the drops service runs it) on 1 and 2 threads, next to "
                    "decoding the same JPEG only.");
  spec.String("input", "A JPEG to use instead of the generated 4000x3000 photo", "")
      .Int("images", "Images per mode and thread count", 20, 1, 10000)
      .Int("rounds", "Alternating rounds of the three modes (the best of each is reported)", 1, 1,
           100)
      .Int("max-threads", "Thread counts measured: 1 up to this", 2, 1, 64)
      .String("widths", "The WebP widths (the service's default; empty: the original only)",
              "256,768,1600")
      .String("save", "A directory to write the photo and one set of its variants into", "");
  const auto cfg = config::ParseOrExit(spec, argc, argv);
  const int images = static_cast<int>(cfg.GetInt("images"));

  try {
    // By default what the service uses unless configured otherwise (ImagesConfig in
    // services/drops/images_app.h: 256, 768 and 1600 wide; image::Limits' defaults).
    const std::vector<int> widths = Widths(cfg.GetString("widths"));
    const image::Limits limits;

    // The photo is made before the library's own start (image::Inspect below) sets libvips up
    // as the service runs it: no operation cache, one libvips thread per call.
    if (VIPS_INIT(argv[0])) Fail("libvips failed to start");
    const auto made_at = Clock::now();
    const std::string photo =
        cfg.GetString("input").empty() ? MakePhoto(4000, 3000) : ReadFile(cfg.GetString("input"));
    const double made_s = std::chrono::duration<double>(Clock::now() - made_at).count();
    const auto header = image::Inspect(photo, limits);  // also starts libvips as the service does
    if (header.format != image::Format::kJpeg) throw std::runtime_error("the input is not a JPEG");

    const auto sample = image::MakeVariants(photo, limits, widths);  // warm-up, and the sizes
    std::printf("input %dx%d JPEG (%.1f MP), %.2f MiB", header.width, header.height,
                header.width * double(header.height) / 1e6, photo.size() / 1048576.0);
    if (cfg.GetString("input").empty()) std::printf(" (made in %.1f s)", made_s);
    std::printf("; one set: original %.2f MiB", sample.original.bytes.size() / 1048576.0);
    for (const auto& v : sample.variants) {
      std::printf(", %dx%d WebP %.0f KiB", v.width, v.height, v.bytes.size() / 1024.0);
    }
    std::printf("\n%u cores; libvips %s, its own threads 1 per call (vips_concurrency_set(1), as in "
                "the service)\n",
                std::thread::hardware_concurrency(), vips_version_string());
    if (const auto& dir = cfg.GetString("save"); !dir.empty()) {
      std::filesystem::create_directories(dir);
      WriteFile(dir + "/photo.jpg", photo);
      WriteFile(dir + "/original.jpg", sample.original.bytes);
      for (const auto& v : sample.variants) {
        WriteFile(dir + "/w" + std::to_string(v.width) + ".webp", v.bytes);
      }
    }

    struct Runs {
      Run decode, recode, sets;
    };
    std::vector<Runs> runs;
    for (int threads = 1; threads <= cfg.GetInt("max-threads"); ++threads) {
      Runs r;
      // Alternating rounds, the best of each mode kept: load from elsewhere that comes and
      // goes during a run then hits every mode, not the one that happened to be running.
      for (int round = 0; round < cfg.GetInt("rounds"); ++round) {
        const Run decode = Measure(threads, images, [&] {
          Decode(photo, false);
          return 1;
        });
        Print("baseline: decode only", decode, "decodes");
        const Run recode = Measure(threads, images, [&] {
          Decode(photo, true);
          return 1;
        });
        Print("reference: decode + JPEG Q90", recode, "recodes");
        const Run sets = Measure(threads, images, [&] {
          return static_cast<long long>(1 +
                                        image::MakeVariants(photo, limits, widths).variants.size());
        });
        Print("MakeVariants (original + WebPs)", sets, "variants");
        for (auto [best, run] :
             {std::pair{&r.decode, &decode}, {&r.recode, &recode}, {&r.sets, &sets}}) {
          if (round == 0 || run->PerSecond() > best->PerSecond()) *best = *run;
        }
      }
      runs.push_back(r);
    }
    if (cfg.GetInt("rounds") > 1) std::printf("best round of each mode:\n");
    for (const auto& r : runs) {
      std::printf("%d thread%s: %.2f sets/s = %.2f variants/s; decode %.2f images/s; one set "
                  "costs %.2f decodes, %.2f decode+encodes (p50 / p95 ms: set %.1f / %.1f, "
                  "decode %.1f / %.1f, decode+encode %.1f / %.1f)\n",
                  r.sets.threads, r.sets.threads == 1 ? " " : "s", r.sets.PerSecond(),
                  r.sets.OutputsPerSecond(), r.decode.PerSecond(),
                  r.decode.PerSecond() / r.sets.PerSecond(),
                  r.recode.PerSecond() / r.sets.PerSecond(), r.sets.p50_ms, r.sets.p95_ms,
                  r.decode.p50_ms, r.decode.p95_ms, r.recode.p50_ms, r.recode.p95_ms);
    }
    if (runs.size() > 1) {
      std::printf("scaling %d threads / 1: sets %.2fx, decode %.2fx\n", runs.back().sets.threads,
                  runs.back().sets.PerSecond() / runs.front().sets.PerSecond(),
                  runs.back().decode.PerSecond() / runs.front().decode.PerSecond());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "livedrop-bench-images: %s\n", e.what());
    return 1;
  }
  return 0;
}
