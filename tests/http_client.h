// HttpClient — a plain-socket HTTP/1.1 client for end-to-end tests, with no HTTP library: it
// sends exactly the bytes a test writes (so hostile requests can be sent too) and reads one
// response by its Content-Length.
//
//   HttpClient c(port);
//   HttpClient::Response r = c.Send("GET", "/healthz");
//   EXPECT_EQ(r.status, 200);
//
// Not safe for concurrent use; one per thread.

#ifndef SUBEX_TESTS_HTTP_CLIENT_H_
#define SUBEX_TESTS_HTTP_CLIENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace subex::test {

class HttpClient {
 public:
  struct Response {
    int status = 0;  // 0 when the connection closed without an answer.
    std::map<std::string, std::string> headers;  // Names in lower case.
    std::string body;
    std::string header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    }
  };

  // Called with every answer Send gets (not SendRaw's), for checks every test shares (the
  // e2e fixture's: the answer keeps the OpenAPI document). Set it before clients send, from one
  // thread; it is called on the sending thread. Null: none.
  using Observer = void (*)(const std::string& method, const std::string& target,
                            const Response& response);
  static void Observe(Observer observer);

  explicit HttpClient(uint16_t port) : port_(port) {}
  ~HttpClient();

  // A request with a JSON body (when not empty) and the given extra headers.
  Response Send(const std::string& method, const std::string& target, const std::string& key = "",
                const std::string& body = "",
                const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Writes `bytes` as they are and reads one response (status 0 if the server closes first).
  Response SendRaw(const std::string& bytes);

  // Writes `bytes` and reads nothing; false when the connection fails.
  bool Write(const std::string& bytes);

  // Opens a connection (done lazily by Send); false when the server does not accept.
  bool Connect();
  void Close();

 private:
  std::optional<Response> ReadResponse();

  uint16_t port_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace subex::test

#endif  // SUBEX_TESTS_HTTP_CLIENT_H_
