// livedrop-s3-presign: a presigned URL from libs/s3 for the inputs on the command line, printed
// on stdout, for presigner.mjs to compare with the AWS SDK's and for store tests to upload with.
//   livedrop-s3-presign put|get --endpoint URL --bucket B --key K [--content-type T]
//                       [--content-length N] [--expires SECONDS] [--now UNIX_SECONDS]
//                       [--access-key ID --secret-key SECRET] [--region R]
#include <chrono>
#include <cstdlib>
#include <iostream>
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
  } else {
    std::cerr << "unknown method " << method << "\n";
    return 2;
  }
  return 0;
}
