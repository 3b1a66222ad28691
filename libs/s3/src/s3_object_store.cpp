#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <optional>
#include <utility>

#include "livedrop/core/error.h"
#include "livedrop/s3/object_store.h"

namespace livedrop::s3 {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Origin {
  bool tls = false;
  std::string host;
  std::string port;
  std::string host_header;  // host[:port], as signed
};

Origin ParseOrigin(const std::string& origin) {
  Origin out;
  std::string rest;
  if (origin.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = origin.substr(8);
  } else if (origin.rfind("http://", 0) == 0) {
    rest = origin.substr(7);
  } else {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed",
                "object store endpoint must start with http:// or https://: " + origin);
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  out.host_header = rest;
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    out.host = rest.substr(0, colon);
    out.port = rest.substr(colon + 1);
  } else {
    out.host = rest;
    out.port = out.tls ? "443" : "80";
  }
  if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  return out;
}

Error Unavailable(const std::string& what) {
  return Error(ErrorKind::kUnavailable, "object_store_unavailable",
               "object store unavailable: " + what);
}

struct Response {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::string etag;
  std::uint64_t content_length = 0;
  bool too_large = false;
};

struct Call {
  http::verb method;
  std::string path;  // raw: /bucket/key
  Pairs query;
  Pairs headers;  // beyond host, x-amz-date and x-amz-content-sha256
  std::string body;
  std::uint64_t max_body = 0;
};

// Runs one asynchronous operation to its end on `ioc` (the stream's timer bounds it).
template <class Start>
beast::error_code RunOne(asio::io_context& ioc, Start start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

template <class Stream>
Response Exchange(asio::io_context& ioc, Stream& stream, beast::tcp_stream& tcp,
                  std::chrono::seconds timeout, http::request<http::string_body>& request,
                  const Call& call) {
  tcp.expires_after(timeout);
  if (auto ec = RunOne(ioc, [&](auto handler) { http::async_write(stream, request, handler); })) {
    throw Unavailable("write: " + ec.message());
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(call.max_body > 0 ? call.max_body : 1 << 20);
  if (call.method == http::verb::head) parser.skip(true);
  Response out;
  auto ec = RunOne(ioc, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec == http::error::body_limit) {
    out.too_large = true;
  } else if (ec) {
    throw Unavailable("read: " + ec.message());
  }
  auto& message = parser.get();
  out.status = message.result_int();
  out.content_type = std::string(message[http::field::content_type]);
  out.etag = std::string(message[http::field::etag]);
  if (auto length = message[http::field::content_length]; !length.empty()) {
    out.content_length = std::stoull(std::string(length));
  }
  if (!out.too_large) out.body = std::move(message.body());
  return out;
}

Response Send(const S3Config& config, const Call& call) {
  Origin origin = ParseOrigin(config.endpoint);
  std::string amz_date = AmzDate(std::chrono::system_clock::now());
  std::string payload = Sha256Hex(call.body);
  SignInput input{std::string(http::to_string(call.method)), call.path, call.query, call.headers,
                  payload};
  input.headers.emplace_back("host", origin.host_header);
  input.headers.emplace_back("x-amz-date", amz_date);
  input.headers.emplace_back("x-amz-content-sha256", payload);
  Scope scope{config.region, "s3"};

  std::string target = UriEncode(call.path, true);
  if (!call.query.empty()) target += "?" + CanonicalQuery(call.query);
  http::request<http::string_body> request{call.method, target, 11};
  for (const auto& [name, value] : input.headers) request.set(name, value);
  request.set(http::field::authorization,
              AuthorizationHeader(config.credentials, scope, amz_date, input));
  request.body() = call.body;
  request.prepare_payload();

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(origin.host, origin.port, ec);
  if (ec) throw Unavailable("resolve " + origin.host + ": " + ec.message());
  beast::tcp_stream tcp(ioc);
  tcp.expires_after(config.timeout);
  if (auto connect_ec = RunOne(ioc, [&](auto handler) {
        tcp.async_connect(endpoints, [handler](beast::error_code e, auto) mutable { handler(e); });
      })) {
    throw Unavailable("connect " + origin.host_header + ": " + connect_ec.message());
  }
  if (!origin.tls) return Exchange(ioc, tcp, tcp, config.timeout, request, call);

  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), tls);
  SSL_set_tlsext_host_name(stream.native_handle(), origin.host.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(origin.host));
  auto& lowest = beast::get_lowest_layer(stream);
  if (auto hs = RunOne(ioc, [&](auto handler) {
        stream.async_handshake(asio::ssl::stream_base::client, handler);
      })) {
    throw Unavailable("TLS handshake with " + origin.host_header + ": " + hs.message());
  }
  return Exchange(ioc, stream, lowest, config.timeout, request, call);
}

void Check(const Response& response, const std::string& what) {
  if (response.status >= 500) {
    throw Unavailable(what + " answered " + std::to_string(response.status));
  }
  if (response.status >= 300) {
    throw Error(ErrorKind::kInternal, "object_store_refused",
                what + " answered " + std::to_string(response.status) + ": " +
                    response.body.substr(0, 300));
  }
}

}  // namespace

S3ObjectStore::S3ObjectStore(S3Config config) : config_(std::move(config)) {
  if (config_.public_endpoint.empty()) config_.public_endpoint = config_.endpoint;
  ParseOrigin(config_.endpoint);
  ParseOrigin(config_.public_endpoint);
}

std::string S3ObjectStore::PresignPut(const std::string& key, const std::string& content_type,
                                      std::uint64_t content_length, std::chrono::seconds expires,
                                      std::chrono::system_clock::time_point now) const {
  Origin origin = ParseOrigin(config_.public_endpoint);
  // The query the AWS SDK's presigner writes for PutObject, so both URLs are the same.
  SignInput input{"PUT",
                  "/" + config_.bucket + "/" + key,
                  {{"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"}, {"x-id", "PutObject"}},
                  {{"host", origin.host_header},
                   {"content-type", content_type},
                   {"content-length", std::to_string(content_length)}},
                  ""};
  std::string scheme = origin.tls ? "https://" : "http://";
  return PresignUrl(config_.credentials, {config_.region, "s3"}, scheme + origin.host_header, now,
                    expires, std::move(input));
}

std::string S3ObjectStore::PresignGet(const std::string& key, std::chrono::seconds expires,
                                      std::chrono::system_clock::time_point now) const {
  Origin origin = ParseOrigin(config_.public_endpoint);
  SignInput input{"GET",
                  "/" + config_.bucket + "/" + key,
                  {{"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"}, {"x-id", "GetObject"}},
                  {{"host", origin.host_header}},
                  ""};
  std::string scheme = origin.tls ? "https://" : "http://";
  return PresignUrl(config_.credentials, {config_.region, "s3"}, scheme + origin.host_header, now,
                    expires, std::move(input));
}

void S3ObjectStore::Put(const std::string& key, const std::string& body,
                        const std::string& content_type, const Pairs& headers) {
  Call call{http::verb::put, "/" + config_.bucket + "/" + key, {}, headers, body, 0};
  call.headers.emplace_back("content-type", content_type);
  Check(Send(config_, call), "PUT " + key);
}

std::optional<std::string> S3ObjectStore::Get(const std::string& key, std::uint64_t max_bytes,
                                              bool* too_large) {
  if (too_large) *too_large = false;
  Response response =
      Send(config_, {http::verb::get, "/" + config_.bucket + "/" + key, {}, {}, "", max_bytes});
  if (response.status == 404) return std::nullopt;
  if (response.too_large) {
    if (too_large) *too_large = true;
    return std::nullopt;
  }
  Check(response, "GET " + key);
  return std::move(response.body);
}

std::optional<ObjectInfo> S3ObjectStore::Head(const std::string& key) {
  Response response =
      Send(config_, {http::verb::head, "/" + config_.bucket + "/" + key, {}, {}, "", 0});
  if (response.status == 404) return std::nullopt;
  Check(response, "HEAD " + key);
  return ObjectInfo{response.content_length, response.content_type, response.etag};
}

void S3ObjectStore::Delete(const std::string& key) {
  Response response =
      Send(config_, {http::verb::delete_, "/" + config_.bucket + "/" + key, {}, {}, "", 0});
  if (response.status == 404) return;
  Check(response, "DELETE " + key);
}

void S3ObjectStore::EnsureBucket() {
  Response response = Send(config_, {http::verb::put, "/" + config_.bucket, {}, {}, "", 0});
  if (response.status == 409) return;  // BucketAlreadyOwnedByYou / BucketAlreadyExists
  Check(response, "PUT bucket " + config_.bucket);
}

}  // namespace livedrop::s3
