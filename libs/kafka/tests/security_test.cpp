// Kafka security settings: what each protocol puts into librdkafka's configuration, what does
// not hold together, and that every client of the process gets them.
#include "livedrop/kafka/security.h"

#include <gtest/gtest.h>

#include "livedrop/core/error.h"
#include "../src/rdkafka_util.h"

namespace livedrop::kafka {
namespace {

std::string FieldOfRefusal(const KafkaSecurity& s) {
  try {
    SecuritySettings(s);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "config_invalid");
    return e.metadata().at("field");
  }
  return "";
}

KafkaSecurity ScramOverTls() {
  KafkaSecurity s;
  s.protocol = "sasl_ssl";
  s.sasl_mechanism = "SCRAM-SHA-512";
  s.sasl_username = "orders";
  s.sasl_password = "pw";
  s.ssl_ca_file = "/certs/kafka-ca.pem";
  return s;
}

TEST(KafkaSecurity, Plaintext_IsOnlyTheProtocol) {
  EXPECT_EQ(SecuritySettings(KafkaSecurity{}),
            (std::map<std::string, std::string>{{"security.protocol", "plaintext"}}));
}

TEST(KafkaSecurity, SaslOverTls_SetsMechanismCredentialsCaAndChecksTheBrokersName) {
  const auto settings = SecuritySettings(ScramOverTls());
  EXPECT_EQ(settings.at("security.protocol"), "sasl_ssl");
  EXPECT_EQ(settings.at("sasl.mechanisms"), "SCRAM-SHA-512");
  EXPECT_EQ(settings.at("sasl.username"), "orders");
  EXPECT_EQ(settings.at("sasl.password"), "pw");
  EXPECT_EQ(settings.at("ssl.ca.location"), "/certs/kafka-ca.pem");
  EXPECT_EQ(settings.at("ssl.endpoint.identification.algorithm"), "https");
}

TEST(KafkaSecurity, WhatDoesNotHoldTogether_IsRefusedNamingTheFlag) {
  auto s = ScramOverTls();
  s.sasl_password.clear();
  EXPECT_EQ(FieldOfRefusal(s), "kafka-sasl-password");
  s = ScramOverTls();
  s.sasl_mechanism = "GSSAPI";
  EXPECT_EQ(FieldOfRefusal(s), "kafka-sasl-mechanism");
  s = ScramOverTls();
  s.ssl_cert_file = "/certs/client.pem";  // without its key
  EXPECT_EQ(FieldOfRefusal(s), "kafka-ssl-key");
  s = KafkaSecurity{};
  s.sasl_username = "orders";  // SASL settings for plaintext: a mistake, not ignored
  EXPECT_EQ(FieldOfRefusal(s), "kafka-security-protocol");
  s = KafkaSecurity{};
  s.protocol = "tls";
  EXPECT_EQ(FieldOfRefusal(s), "kafka-security-protocol");
}

// Every configuration the library makes (producers, consumers) carries the process's settings.
TEST(KafkaSecurity, ProcessSecurity_ReachesEveryClientConfiguration) {
  SetProcessSecurity(ScramOverTls());
  const auto conf = internal::MakeConf({{"bootstrap.servers", "127.0.0.1:9092"}});
  auto get = [&](const char* key) {
    char value[256];
    size_t size = sizeof value;
    EXPECT_EQ(rd_kafka_conf_get(conf.get(), key, value, &size), RD_KAFKA_CONF_OK) << key;
    return std::string(value);
  };
  EXPECT_EQ(get("security.protocol"), "sasl_ssl");
  EXPECT_EQ(get("sasl.mechanisms"), "SCRAM-SHA-512");
  EXPECT_EQ(get("sasl.username"), "orders");
  SetProcessSecurity(KafkaSecurity{});  // back to plaintext for the other tests
  const auto plain = internal::MakeConf({});
  char value[64];
  size_t size = sizeof value;
  rd_kafka_conf_get(plain.get(), "security.protocol", value, &size);
  EXPECT_STREQ(value, "plaintext");
}

}  // namespace
}  // namespace livedrop::kafka
