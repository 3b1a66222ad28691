# Every dependency comes from a Debian 12 package (see README.md and scripts/livedrop setup).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json url)
find_package(spdlog CONFIG REQUIRED)
find_package(GTest REQUIRED)
find_package(OpenSSL REQUIRED)

pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
