// Specification of how subexd's connections read a request (api/http_server.h): the parser
// settings and limits that ParseRequestBytes shares with every connection.

#include <string>

#include "api/http_server.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

const HttpServer::Options kLimits{.max_header_bytes = 256, .max_body_bytes = 16};

TEST(HttpParseTest, ACompleteRequestCarriesTheHeadersTheApiReads) {
  ParsedRequest p = ParseRequestBytes(
      "POST /v1/orders?x=1 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer sx_1\r\n"
      "Content-Type: application/json\r\nIdempotency-Key: k1\r\nIf-Match: \"3\"\r\n"
      "X-On-Behalf-Of: m_1\r\nContent-Length: 2\r\n\r\n{}",
      kLimits);
  ASSERT_TRUE(p.complete);
  EXPECT_EQ(p.request.method, "POST");
  EXPECT_EQ(p.request.target, "/v1/orders?x=1");
  EXPECT_EQ(p.request.authorization, "Bearer sx_1");
  EXPECT_EQ(p.request.content_type, "application/json");
  EXPECT_TRUE(p.request.has_idempotency_key);
  EXPECT_EQ(p.request.idempotency_key, "k1");
  EXPECT_TRUE(p.request.has_if_match);
  EXPECT_EQ(p.request.if_match, "\"3\"");
  EXPECT_EQ(p.request.on_behalf_of, "m_1");
  EXPECT_EQ(p.request.body, "{}");
}

TEST(HttpParseTest, ChunkedBodiesAreJoined) {
  ParsedRequest p = ParseRequestBytes(
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
      kLimits);
  ASSERT_TRUE(p.complete);
  EXPECT_EQ(p.request.body, "{}");
}

TEST(HttpParseTest, EachLimitAndMalformationHasItsStatus) {
  EXPECT_EQ(ParseRequestBytes("GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n",
                              kLimits)
                .error_status,
            431u);
  EXPECT_EQ(ParseRequestBytes("POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n" +
                                  std::string(17, 'a'),
                              kLimits)
                .error_status,
            413u);
  EXPECT_EQ(ParseRequestBytes("GET / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: "
                              "chunked\r\n\r\n",
                              kLimits)
                .error_status,
            400u);
  EXPECT_EQ(ParseRequestBytes("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                              kLimits)
                .error_status,
            400u);
  EXPECT_EQ(ParseRequestBytes("G@T / HTTP/1.1\r\n\r\n", kLimits).error_status, 400u);
  EXPECT_EQ(ParseRequestBytes("", kLimits).error_status, 0u);  // A connection opened and closed.
  ParsedRequest truncated = ParseRequestBytes("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n{", kLimits);
  EXPECT_FALSE(truncated.complete);
  EXPECT_EQ(truncated.error_status, 0u);  // The connection would just close.
}

}  // namespace
}  // namespace subex
