// libs/s3 against AWS's published values: the Signature Version 4 test suite
// (aws-sig-v4-test-suite: AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service") and the
// S3 examples of the S3 API reference (AKIAIOSFODNN7EXAMPLE, 20130524T000000Z, examplebucket).
#include <gtest/gtest.h>

#include <chrono>

#include "livedrop/s3/sigv4.h"

namespace livedrop::s3 {
namespace {

constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kSuiteDate[] = "20150830T123600Z";
const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
const Scope kSuiteScope{"us-east-1", "service"};
constexpr char kSuitePrefix[] =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

const Credentials kS3Credentials{"AKIAIOSFODNN7EXAMPLE",
                                 "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};

SignInput Suite(std::string method, std::string path, Pairs query = {}, Pairs extra = {}) {
  Pairs headers{{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kSuiteDate}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return SignInput{std::move(method), std::move(path), std::move(query), std::move(headers),
                   kEmptySha256};
}

std::string SuiteAuthorization(const SignInput& input) {
  return AuthorizationHeader(kSuiteCredentials, kSuiteScope, kSuiteDate, input);
}

std::chrono::system_clock::time_point At(int year, unsigned month, unsigned day) {
  return std::chrono::sys_days{std::chrono::year{year} / month / day};
}

TEST(SigV4Suite, GetVanilla_CanonicalRequestStringToSignAndHeader) {
  SignInput input = Suite("GET", "/");
  std::string canonical = CanonicalRequest(input);
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" +
                std::string(kEmptySha256));
  EXPECT_EQ(StringToSign(kSuiteDate, kSuiteScope, canonical),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(SuiteAuthorization(input),
            std::string(kSuitePrefix) +
                "SignedHeaders=host;x-amz-date, "
                "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Suite, GetVanillaQueryOrderKeyCase_SortsParameters) {
  SignInput input = Suite("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}});
  EXPECT_EQ(CanonicalQuery(input.query), "Param1=value1&Param2=value2");
  EXPECT_EQ(SuiteAuthorization(input),
            std::string(kSuitePrefix) +
                "SignedHeaders=host;x-amz-date, "
                "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4Suite, GetUtf8_PathEncodedAsUtf8Bytes) {
  SignInput input = Suite("GET", "/\xE1\x88\xB4");
  EXPECT_NE(CanonicalRequest(input).find("\n/%E1%88%B4\n"), std::string::npos);
  EXPECT_EQ(SuiteAuthorization(input),
            std::string(kSuitePrefix) +
                "SignedHeaders=host;x-amz-date, "
                "Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(SigV4Suite, GetVanillaUtf8Query_KeyEncoded) {
  SignInput input = Suite("GET", "/", {{"\xE1\x88\xB4", "bar"}});
  EXPECT_EQ(SuiteAuthorization(input),
            std::string(kSuitePrefix) +
                "SignedHeaders=host;x-amz-date, "
                "Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04");
}

TEST(SigV4Suite, GetSpaceNormalized_SpaceEncodedOnce) {
  SignInput input = Suite("GET", "/example space/");
  EXPECT_EQ(SuiteAuthorization(input),
            std::string(kSuitePrefix) +
                "SignedHeaders=host;x-amz-date, "
                "Signature=652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
}

TEST(SigV4Suite, GetHeaderValueTrim_TrimsAndSqueezesSpaces) {
  SignInput input =
      Suite("GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}});
  EXPECT_NE(CanonicalRequest(input).find("my-header2:\"a b c\"\n"), std::string::npos);
  EXPECT_EQ(SuiteAuthorization(input),
            std::string(kSuitePrefix) +
                "SignedHeaders=host;my-header1;my-header2;x-amz-date, "
                "Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

TEST(SigV4Suite, PostVanillaAndPostVanillaQuery) {
  EXPECT_EQ(SuiteAuthorization(Suite("POST", "/")),
            std::string(kSuitePrefix) +
                "SignedHeaders=host;x-amz-date, "
                "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  EXPECT_EQ(SuiteAuthorization(Suite("POST", "/", {{"Param1", "value1"}})),
            std::string(kSuitePrefix) +
                "SignedHeaders=host;x-amz-date, "
                "Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
}

TEST(SigV4Suite, WrongSecret_GivesAnotherSignature) {
  Credentials wrong = kSuiteCredentials;
  wrong.secret_access_key.back() = 'X';
  EXPECT_NE(AuthorizationHeader(wrong, kSuiteScope, kSuiteDate, Suite("GET", "/")),
            SuiteAuthorization(Suite("GET", "/")));
}

// S3 API reference, "Example: GET Object" (header-based authentication).
TEST(SigV4S3Examples, GetObjectWithRange_Header) {
  SignInput input{"GET",
                  "/test.txt",
                  {},
                  {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"Range", "bytes=0-9"},
                   {"x-amz-content-sha256", kEmptySha256},
                   {"x-amz-date", "20130524T000000Z"}},
                  kEmptySha256};
  Scope scope{"us-east-1", "s3"};
  std::string to_sign = StringToSign("20130524T000000Z", scope, CanonicalRequest(input));
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(AuthorizationHeader(kS3Credentials, scope, "20130524T000000Z", input),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// S3 API reference, "Authenticating Requests: Using Query Parameters": the example URL.
TEST(SigV4S3Examples, PresignedGetObject_Url) {
  SignInput input{"GET", "/test.txt", {}, {{"host", "examplebucket.s3.amazonaws.com"}}, ""};
  EXPECT_EQ(PresignUrl(kS3Credentials, {"us-east-1", "s3"}, "https://examplebucket.s3.amazonaws.com",
                       At(2013, 5, 24), std::chrono::seconds(86400), input),
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
            "&X-Amz-SignedHeaders=host");
}

TEST(SigV4Encoding, UriEncode_KeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(UriEncode("a-b_c.d~e/f g+h=", true), "a-b_c.d~e/f%20g%2Bh%3D");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(AmzDate(At(2015, 8, 30) + std::chrono::hours(12) + std::chrono::minutes(36)),
            "20150830T123600Z");
}

}  // namespace
}  // namespace livedrop::s3
