// livedrop-logcap: copies standard input into FILE, rotating it when it would pass
// --max-bytes: FILE -> FILE.1 -> ... -> FILE.<files-1>, the oldest dropped. So a process's logs
// never take more than files x max-bytes, however long it runs. Writes go straight through (no
// buffering), so `tail -f` and greps of FILE see lines as they are written.
//
// SIGINT is ignored: Ctrl-C reaches the whole process group, and the logger must outlive the
// process it logs to keep its last lines; it ends when its input closes (or on SIGTERM).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr const char* kUsage =
    "usage: livedrop-logcap [--max-bytes=N] [--files=K] FILE < input\n"
    "  Appends its input to FILE; when FILE would pass N bytes (default 10485760) it becomes\n"
    "  FILE.1 (FILE.1 becomes FILE.2, ...), keeping K files in all (default 3, at least 1).\n"
    "  Defaults also from LIVEDROP_LOG_MAX_BYTES and LIVEDROP_LOG_FILES.\n";

bool ParseCount(std::string_view text, long long& out) {
  if (text.empty()) return false;
  long long v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9' || v > (1LL << 50)) return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

class RotatingFile {
 public:
  RotatingFile(std::string path, long long max_bytes, long long files)
      : path_(std::move(path)), max_bytes_(max_bytes), files_(files) {}

  bool Open() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return false;
    struct stat st {};
    size_ = ::fstat(fd_, &st) == 0 ? st.st_size : 0;
    return true;
  }

  void Write(const char* data, long long n) {
    // A chunk that does not fit starts a new file; split only what is larger than a file.
    while (n > 0) {
      if (size_ > 0 && size_ + n > max_bytes_) Rotate();
      const long long room = max_bytes_ - size_;
      const long long part = n <= room ? n : (room > 0 ? room : n);
      WriteAll(data, part);
      data += part;
      n -= part;
    }
  }

 private:
  void Rotate() {
    ::close(fd_);
    if (files_ <= 1) {
      if (::truncate(path_.c_str(), 0) != 0) {
      }  // a file that cannot be emptied is appended to: better than losing the process
    } else {
      for (long long i = files_ - 1; i >= 1; --i) {
        const std::string from = i == 1 ? path_ : path_ + "." + std::to_string(i - 1);
        ::rename(from.c_str(), (path_ + "." + std::to_string(i)).c_str());
      }
    }
    if (!Open()) {
      std::fprintf(stderr, "livedrop-logcap: %s: %s\n", path_.c_str(), std::strerror(errno));
      std::exit(1);
    }
  }

  void WriteAll(const char* data, long long n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, data, static_cast<size_t>(n));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return;  // a full disk: drop the chunk rather than block the process logged
      data += w;
      n -= w;
      size_ += w;
    }
  }

  std::string path_;
  long long max_bytes_, files_;
  int fd_ = -1;
  long long size_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  long long max_bytes = 10LL * 1024 * 1024, files = 3;
  if (const char* v = std::getenv("LIVEDROP_LOG_MAX_BYTES"); v && *v && !ParseCount(v, max_bytes)) {
    std::fprintf(stderr, "livedrop-logcap: LIVEDROP_LOG_MAX_BYTES: not a number\n");
    return 2;
  }
  if (const char* v = std::getenv("LIVEDROP_LOG_FILES"); v && *v && !ParseCount(v, files)) {
    std::fprintf(stderr, "livedrop-logcap: LIVEDROP_LOG_FILES: not a number\n");
    return 2;
  }
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    bool ok = true;
    if (arg.starts_with("--max-bytes=")) {
      ok = ParseCount(arg.substr(12), max_bytes);
    } else if (arg.starts_with("--files=")) {
      ok = ParseCount(arg.substr(8), files);
    } else if (arg.starts_with("-") || !path.empty()) {
      ok = false;
    } else {
      path = std::string(arg);
    }
    if (!ok) {
      std::fprintf(stderr, "livedrop-logcap: bad argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }
  if (path.empty() || max_bytes < 1 || files < 1) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);
  RotatingFile out(path, max_bytes, files);
  if (!out.Open()) {
    std::fprintf(stderr, "livedrop-logcap: %s: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  char buffer[64 * 1024];
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    out.Write(buffer, n);
  }
}
