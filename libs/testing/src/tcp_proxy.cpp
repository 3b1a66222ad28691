#include "livedrop/testing/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "livedrop/testing/process.h"

namespace livedrop::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// Copies bytes both ways until either side closes or the pair is cut.
void Pump(int a, int b) {
  char buf[16384];
  pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, 200) < 0) return;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) return;
      ssize_t off = 0;
      while (off < n) {
        // MSG_NOSIGNAL: a peer reset under a forward (what CutAll does) must not SIGPIPE the test.
        const ssize_t w =
            ::send(fds[1 - i].fd, buf + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
        if (w <= 0) return;
        off += w;
      }
    }
  }
}

// Closing with SO_LINGER 0 sends RST: the peer sees "connection reset", not an orderly close.
void Reset(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::shutdown(fd, SHUT_RDWR);
}

}  // namespace

struct TcpProxy::Impl {
  int upstream_port = 0;
  int port = 0;
  int listener = -1;
  std::atomic<bool> stopping{false};
  std::atomic<int> accepted{0};
  std::mutex mutex;
  std::vector<int> open;  // both ends of every live pair
  std::vector<std::thread> pumps;
  std::thread acceptor;

  void Accept() {
    while (!stopping) {
      pollfd p{listener, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int client = ::accept(listener, nullptr, nullptr);
      if (client < 0) continue;
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      const auto addr = Loopback(upstream_port);
      if (::connect(server, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        Reset(client);
        ::close(client);
        ::close(server);
        continue;
      }
      ++accepted;
      std::lock_guard lock(mutex);
      open.push_back(client);
      open.push_back(server);
      pumps.emplace_back([this, client, server] {
        Pump(client, server);
        std::lock_guard lock(mutex);
        std::erase(open, client);
        std::erase(open, server);
        ::close(client);
        ::close(server);
      });
    }
  }
};

TcpProxy::TcpProxy(int upstream_port) : impl_(std::make_unique<Impl>()) {
  impl_->upstream_port = upstream_port;
  impl_->port = FreePort();
  impl_->listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(impl_->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const auto addr = Loopback(impl_->port);
  if (::bind(impl_->listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(impl_->listener, 64) != 0) {
    ::close(impl_->listener);
    throw std::runtime_error("tcp proxy cannot listen on port " + std::to_string(impl_->port));
  }
  impl_->acceptor = std::thread([impl = impl_.get()] { impl->Accept(); });
}

TcpProxy::~TcpProxy() {
  impl_->stopping = true;
  impl_->acceptor.join();
  CutAll();
  std::vector<std::thread> pumps;
  {
    std::lock_guard lock(impl_->mutex);
    pumps.swap(impl_->pumps);
  }
  for (auto& t : pumps) t.join();
  ::close(impl_->listener);
}

int TcpProxy::Port() const { return impl_->port; }
int TcpProxy::Accepted() const { return impl_->accepted.load(); }

void TcpProxy::CutAll() {
  std::lock_guard lock(impl_->mutex);
  for (const int fd : impl_->open) Reset(fd);
}

}  // namespace livedrop::testing
