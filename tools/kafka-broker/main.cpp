// livedrop-kafka-broker: librdkafka's mock cluster as a standalone Kafka-protocol broker for
// local runs and tests. Keeps everything in memory; not for production.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/core/shutdown.h"
#include "livedrop/kafka/mock_cluster.h"

namespace {

constexpr std::string_view kUsage = R"(usage: livedrop-kafka-broker [flags]

Runs an in-memory Kafka-protocol broker (librdkafka mock cluster) on 127.0.0.1 with
ephemeral ports. Prints one line "bootstrap=<host:port,...>" to stdout once it is ready,
then serves until SIGINT or SIGTERM and exits 0. Logs go to stderr.

flags:
  --brokers N       number of brokers in the cluster (default 1)
  --topics a,b,c    topics to create up front (unknown topics are also created on first
                    produce, with 4 partitions)
  --partitions P    partitions for each --topics topic (default 3)
  --help            print this text and exit

Consumer groups: after a member leaves, the mock coordinator holds the next join for up to
the members' session.timeout.ms (45 s by default); consumers restarted against this broker
rejoin faster with a short session.timeout.ms (e.g. 6000).
)";

struct Flags {
  int brokers = 1;
  int partitions = 3;
  std::vector<std::string> topics;
};

int ParsePositive(const std::string& flag, const std::string& text) {
  try {
    size_t used = 0;
    int value = std::stoi(text, &used);
    if (used == text.size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(flag + " needs a positive integer, got '" + text + "'");
}

std::vector<std::string> SplitTopics(const std::string& text) {
  std::vector<std::string> topics;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string topic = text.substr(start, comma - start);
    if (!topic.empty()) topics.push_back(topic);
    start = comma + 1;
  }
  return topics;
}

// Accepts "--flag value" and "--flag=value".
Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto take_value = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--brokers") {
      flags.brokers = ParsePositive(arg, take_value());
    } else if (arg == "--partitions") {
      flags.partitions = ParsePositive(arg, take_value());
    } else if (arg == "--topics") {
      flags.topics = SplitTopics(take_value());
    } else {
      throw std::invalid_argument("unknown flag " + arg);
    }
  }
  return flags;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::cout << kUsage;
      return 0;
    }
  }
  Flags flags;
  try {
    flags = ParseFlags(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::cerr << "livedrop-kafka-broker: " << e.what() << "\n\n" << kUsage;
    return 2;
  }

  livedrop::BlockShutdownSignals();
  // stdout carries only the bootstrap line; everything else goes to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("kafka-broker"));
  try {
    livedrop::kafka::MockCluster cluster(flags.brokers);
    for (const auto& topic : flags.topics) cluster.CreateTopic(topic, flags.partitions);
    std::cout << "bootstrap=" << cluster.BootstrapServers() << std::endl;
    spdlog::info("mock kafka cluster with {} broker(s) at {}, {} topic(s) pre-created",
                 flags.brokers, cluster.BootstrapServers(), flags.topics.size());
    int signal = livedrop::WaitForShutdownSignal();
    spdlog::info("signal {} received, shutting down", signal);
  } catch (const livedrop::Error& e) {
    spdlog::error("{}: {}", e.code(), e.what());
    return 1;
  }
  return 0;
}
