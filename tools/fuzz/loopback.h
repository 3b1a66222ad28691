#pragma once
// Shared by the harnesses that drive a real server: one loopback TCP connection per input.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace livedrop::fuzz {

// A connected socket to 127.0.0.1:port whose reads give up after `timeout_ms`; -1 on failure
// (with the reason on stderr). Each connection's client side ends in TIME_WAIT, and at several
// hundred inputs a second one source address runs out of ephemeral ports within a minute
// (ss -s counted 12,877 in TIME_WAIT), so successive connections come from 127.0.0.2 to
// 127.0.0.251 in turn: the whole of 127/8 is loopback, each address its own 28k ports.
inline int Connect(int port, int timeout_ms) {
  static unsigned next_source = 0;
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const int on = 1;  // the port is chosen at connect, per destination, not at bind
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + (next_source++ % 250));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) == 0 &&
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      return fd;
    }
    const int error = errno;  // EINTR included: the connection may be half made, start again
    ::close(fd);
    if (error != EADDRNOTAVAIL && error != EADDRINUSE && error != EINTR) {
      std::fprintf(stderr, "connect to 127.0.0.1:%d: %s\n", port, std::strerror(error));
      return -1;
    }
    ::usleep(20'000);  // ports still exhausted: wait for TIME_WAIT to drain a little
  }
  std::fprintf(stderr, "connect to 127.0.0.1:%d: no free local port\n", port);
  return -1;
}

// libFuzzer's -timeout watchdog is a SIGALRM every second or so, installed without SA_RESTART:
// a read or write it lands in fails with EINTR and is simply tried again.

// False if the peer closed first (it may: a server refusing a request closes mid-body).
inline bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Everything the peer sends until it closes (or the read timeout, or `limit` bytes).
inline std::string ReadToEnd(int fd, std::size_t limit = 1 << 20) {
  std::string out;
  char buf[4096];
  while (out.size() < limit) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// Reads until `marker` has arrived (e.g. the end of a response's head); what came is returned.
inline std::string ReadUntil(int fd, std::string_view marker, std::size_t limit = 1 << 16) {
  std::string out;
  char c;
  while (out.size() < limit && out.find(marker) == std::string::npos) {
    const auto n = ::recv(fd, &c, 1, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1) break;
    out.push_back(c);
  }
  return out;
}

}  // namespace livedrop::fuzz
