// livedrop-s3-presign: libs/s3 on the command line, for the tests that judge it with the AWS
// SDK (presigner.mjs, store.mjs):
//   livedrop-s3-presign put|get --endpoint URL --bucket B --key K [--content-type T]
//                       [--content-length N] [--expires SECONDS] [--now UNIX_SECONDS]
//                       [--access-key ID --secret-key SECRET] [--region R]
//     prints a presigned PUT (bound to the type and length) or GET URL;
//   livedrop-s3-presign object-put|object-get|object-head|object-delete ... [--file F]
//     S3ObjectStore's call: object-put sends --file with --content-type, object-get writes the
//     bytes to stdout, object-head prints "<size> <content-type> <etag>" (exit 3: no object).
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>

#include "livedrop/s3/object_store.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: livedrop-s3-presign put|get --endpoint URL --bucket B --key K ...\n";
    return 2;
  }
  std::string method = argv[1];
  std::map<std::string, std::string> args{{"--region", "us-east-1"},
                                          {"--expires", "600"},
                                          {"--access-key", "S3RVER"},
                                          {"--secret-key", "S3RVER"},
                                          {"--content-length", "0"}};
  for (int i = 2; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  auto now = std::chrono::system_clock::now();
  if (args.count("--now")) now = std::chrono::system_clock::time_point(
                                std::chrono::seconds(std::stoll(args["--now"])));
  livedrop::s3::S3ObjectStore store({args["--endpoint"], "", args["--region"], args["--bucket"],
                                     {args["--access-key"], args["--secret-key"]}});
  std::chrono::seconds expires(std::stoll(args["--expires"]));
  if (method == "put") {
    std::cout << store.PresignPut(args["--key"], args["--content-type"],
                                  std::stoull(args["--content-length"]), expires, now)
              << "\n";
  } else if (method == "get") {
    std::cout << store.PresignGet(args["--key"], expires, now) << "\n";
  } else if (method == "object-put") {
    std::ifstream in(args["--file"], std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    store.Put(args["--key"], bytes, args["--content-type"]);
  } else if (method == "object-get") {
    const auto bytes = store.Get(args["--key"], 64 << 20);
    if (!bytes) return 3;
    std::cout << *bytes;
  } else if (method == "object-head") {
    const auto info = store.Head(args["--key"]);
    if (!info) return 3;
    std::cout << info->size << " " << info->content_type << " " << info->etag << "\n";
  } else if (method == "object-delete") {
    store.Delete(args["--key"]);
  } else {
    std::cerr << "unknown method " << method << "\n";
    return 2;
  }
  return 0;
}
