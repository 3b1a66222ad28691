#include "livedrop/testing/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "livedrop/testing/eventually.h"

extern char** environ;

namespace livedrop::testing {
namespace {

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int HttpGetStatus(int port, const std::string& path) {
  const int fd = Connect(port);
  if (fd < 0) return 0;
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    close(fd);
    return 0;
  }
  char buf[64] = {};
  const ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  close(fd);
  // "HTTP/1.1 200 OK"
  if (n < 12 || std::strncmp(buf, "HTTP/1.", 7) != 0) return 0;
  return std::atoi(buf + 9);
}

namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/livedrop-proc.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

}  // namespace

std::string BinPath(const std::string& name) {
  if (const char* dir = std::getenv("LIVEDROP_BIN_DIR"); dir != nullptr && *dir != '\0') {
    return std::string(dir) + "/" + name;
  }
  // Run by hand: test binaries live in <build>/tests, the others in <build>/bin.
  char self[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw std::runtime_error("set LIVEDROP_BIN_DIR to the directory of the binaries");
  std::string path(self, static_cast<std::size_t>(n));
  path = path.substr(0, path.rfind('/'));
  return path.substr(0, path.rfind('/')) + "/bin/" + name;
}

namespace {

// Ports handed to test servers come from below the kernel's ephemeral range (32768+), so no
// outgoing connection or bind(0) elsewhere can take one, and each is claimed with a lock file
// held for the life of this process, so two test processes never pick the same one.
constexpr int kFirstTestPort = 20000;
constexpr int kLastTestPort = 32000;

bool CanBind(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// Holds the claim on `port` until the process exits (the kernel drops the lock then).
bool Claim(int port) {
  const std::string dir = "/tmp/livedrop-test-ports";
  mkdir(dir.c_str(), 01777);
  chmod(dir.c_str(), 01777);
  const std::string path = dir + "/" + std::to_string(port);
  const int fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return false;
  }
  return true;  // fd stays open on purpose
}

}  // namespace

int FreePort() {
  static std::mutex mutex;
  static std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(getpid()));
  std::lock_guard lock(mutex);
  std::uniform_int_distribution<int> pick(kFirstTestPort, kLastTestPort);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int port = pick(random);
    if (Claim(port) && CanBind(port)) return port;
  }
  throw std::runtime_error("no free test port between 20000 and 32000");
}

bool WaitForTcp(int port, std::chrono::milliseconds timeout) {
  return Eventually(
      [&] {
        const int fd = Connect(port);
        if (fd < 0) return false;
        close(fd);
        return true;
      },
      timeout, std::chrono::milliseconds(50));
}

bool WaitForHttpOk(int port, const std::string& path, std::chrono::milliseconds timeout) {
  return Eventually([&] { return HttpGetStatus(port, path) == 200; }, timeout,
                    std::chrono::milliseconds(50));
}

namespace {

// PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not the process. Every
// fork therefore happens on this one thread, which is never joined and lives until exit.
class Spawner {
 public:
  static Spawner& Instance() {
    static Spawner* spawner = new Spawner();  // never destroyed: its thread must outlive all
    return *spawner;
  }

  pid_t Spawn(std::function<pid_t()> fork_child) {
    std::packaged_task<pid_t()> task(std::move(fork_child));
    auto result = task.get_future();
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
    return result.get();
  }

 private:
  Spawner() {
    std::thread([this] {
      for (;;) {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !tasks_.empty(); });
        auto task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        task();
      }
    }).detach();
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::packaged_task<pid_t()>> tasks_;
};

void WriteAll(int fd, const char* text) {
  for (std::size_t left = std::strlen(text); left > 0;) {
    const ssize_t n = write(fd, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

Process::Process(const std::string& binary, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& extra_env,
                 const std::string& run_as_user) {
  dir_ = TempDir();
  log_path_ = dir_ + "/output.log";
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : extra_env) env[k] = v;
  // Everything the child needs is prepared here: between fork and exec only
  // async-signal-safe calls are allowed.
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  const std::string exec_failed = "exec " + binary + " failed\n";

  const bool switch_user = !run_as_user.empty() && geteuid() == 0;
  uid_t uid = 0;
  gid_t gid = 0;
  if (switch_user) {
    const passwd* pw = getpwnam(run_as_user.c_str());
    if (pw == nullptr) throw std::runtime_error("no such user: " + run_as_user);
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path_);
  const pid_t parent = getpid();

  pid_ = Spawner::Instance().Spawn([&]() -> pid_t {
    const pid_t pid = fork();
    if (pid != 0) return pid;
    // Credentials first: changing them clears the parent-death signal.
    if (switch_user &&
        (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0 || chdir("/") != 0)) {
      _exit(126);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    // The test process may block or ignore signals; the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    execve(argv[0], argv.data(), envp.data());
    WriteAll(STDERR_FILENO, exec_failed.c_str());
    _exit(127);
  });
  close(log_fd);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

Process::~Process() {
  Stop();
  if (const char* keep = std::getenv("LIVEDROP_KEEP_TEST_LOGS"); keep == nullptr || *keep == '\0') {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool Process::Running() {
  if (exited_ || pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return false;
  }
  return true;
}

std::optional<int> Process::ExitCode() {
  if (Running()) return std::nullopt;
  return exit_code_;
}

int Process::Stop(std::chrono::milliseconds grace, int signal) {
  if (!Running()) return exit_code_;
  kill(pid_, signal);
  Eventually([&] { return !Running(); }, grace);
  if (Running()) Kill();
  return exit_code_;
}

void Process::Kill() {
  if (!Running()) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  exited_ = true;
  exit_code_ = -SIGKILL;
}

std::string Process::ReadLog() const {
  std::ifstream in(log_path_);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace livedrop::testing
