// The graceful stop end to end, on the real subexd: SIGTERM under load loses no acknowledged
// request, answers what it has read and exits 0 after a snapshot; idle connections do not hold it
// up; busy ones are closed after the drain deadline; a second signal, or the shutdown deadline,
// ends it at once with status 1.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_fixture.h"
#include "tests/exposition.h"

namespace subex::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// --- The graceful stop -------------------------------------------------------------------------

class StopTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

// Clients keep posting offers, each with its own Idempotency-Key, while the server gets SIGTERM.
// Every offer that was answered 201 is there after the restart, and the stop exits 0.
TEST_F(StopTest, SigtermUnderLoadLosesNoAcknowledgedRequestAndExitsZero) {
  auto server = std::make_unique<SubexdProcess>(dir_.path());
  ASSERT_TRUE(server->Start()) << server->output();
  std::string supplier_key;
  {
    HttpClient admin(server->port());
    HttpClient::Response r =
        admin.Send("POST", "/v1/members", kAdminKey,
                   MemberBody("Voronezh Mill", "3662000008", 51.6608, 39.2003, "\"supplier\""));
    ASSERT_EQ(r.status, 201) << r.body;
    supplier_key = At(r.body, "/api_key");
  }

  constexpr int kClients = 4;
  std::atomic<int> acknowledged{0};
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> acked;  // Offer id, idempotency key.
  std::vector<std::string> unexpected;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(server->port());
      for (int i = 0;; ++i) {
        const std::string key = "load-" + std::to_string(c) + "-" + std::to_string(i);
        HttpClient::Response r =
            client.Send("POST", "/v1/offers", supplier_key, kOfferBody, {{"Idempotency-Key", key}});
        std::lock_guard lock(mu);
        if (r.status == 201) {
          acked.emplace_back(At(r.body, "/id"), key);
          acknowledged.fetch_add(1);
        } else if (r.status != 0) {
          unexpected.push_back(std::to_string(r.status) + " " + r.body);
        } else if (!client.Connect()) {
          return;  // Closed, and no longer accepting: the server is gone or going.
        }
      }
    });
  }
  while (acknowledged.load() < 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(server->Stop(), 0) << server->output();  // SIGTERM, mid-load.
  for (std::thread& t : clients) t.join();
  EXPECT_THAT(server->output(), Not(HasSubstr("connections still open")));
  EXPECT_THAT(unexpected, ::testing::IsEmpty());
  EXPECT_THAT(server->output(), AllOf(HasSubstr(R"("msg":"stopping","signal":"SIGTERM")"),
                                      HasSubstr(R"("msg":"snapshot written on stop")"),
                                      HasSubstr(R"("msg":"stopped")")));

  ASSERT_TRUE(server->Start()) << server->output();
  EXPECT_THAT(server->output(), HasSubstr(R"("replayed":0)"));  // The snapshot was the last word.
  HttpClient client(server->port());
  for (const auto& [id, key] : acked) {
    EXPECT_EQ(client.Send("GET", "/v1/offers/" + id, supplier_key).status, 200) << id;
  }
  // And each key still finds its first answer, not a second offer.
  const auto& [first_id, first_key] = acked.front();
  HttpClient::Response replay =
      client.Send("POST", "/v1/offers", supplier_key, kOfferBody, {{"Idempotency-Key", first_key}});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(At(replay.body, "/id"), first_id);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  client.Close();
  EXPECT_EQ(server->Stop(), 0) << server->output();
}

// A connection whose answers cannot leave (its client reads nothing) holds the drain: it has
// pipelined more requests than the socket buffers can take the answers of, and the server has read
// every one (its metrics count them answered) before the test goes on.
class StuckClient {
 public:
  StuckClient(uint16_t port, int requests) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int small = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    std::string pipelined;
    for (int i = 0; i < requests; ++i) {
      pipelined += "GET /v1/openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }
    if (::send(fd_, pipelined.data(), pipelined.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(pipelined.size())) {
      return;
    }
    HttpClient metrics(port);
    for (;;) {
      HttpClient::Response r = metrics.Send("GET", "/metrics");
      if (r.status != 200) return;
      const double answered = ParseExposition(r.body)(
          "subex_http_requests_total",
          {{"method", "GET"}, {"route", "/v1/openapi.json"}, {"status", "200"}});
      if (answered == requests) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ok_ = true;
  }
  ~StuckClient() { ::close(fd_); }
  bool ok() const { return ok_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

// Pipelined answers far larger than the socket buffers, so that they cannot all leave.
const std::vector<std::string> kStuckArgs = {"--server.max_pipelined=64",
                                             "--server.request_timeout_ms=3600000",
                                             "--server.idle_timeout_ms=3600000"};

std::vector<std::string> With(std::vector<std::string> args, const std::string& more) {
  args.push_back(more);
  return args;
}

TEST_F(StopTest, ASecondSignalEndsTheStopAtOnceWithStatusOne) {
  SubexdProcess server(dir_.path(), With(With(kStuckArgs, "--server.drain_timeout_ms=3600000"),
                                         "--server.shutdown_timeout_ms=3600000"));
  ASSERT_TRUE(server.Start()) << server.output();
  StuckClient stuck(server.port(), 64);
  ASSERT_TRUE(stuck.ok());
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.WaitForOutput(R"("msg":"stopping")")) << server.output();
  server.Signal(SIGINT);
  EXPECT_EQ(server.Wait(), 1);
  EXPECT_THAT(server.output(),
              HasSubstr(R"("msg":"second signal: exiting now","signal":"SIGINT")"));
  EXPECT_THAT(server.output(), Not(HasSubstr(R"("msg":"stopped")")));
}

TEST_F(StopTest, AStopOutlastingItsDeadlineEndsWithStatusOne) {
  SubexdProcess server(dir_.path(), With(With(kStuckArgs, "--server.drain_timeout_ms=3600000"),
                                         "--server.shutdown_timeout_ms=300"));
  ASSERT_TRUE(server.Start()) << server.output();
  StuckClient stuck(server.port(), 64);
  ASSERT_TRUE(stuck.ok());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 1);
  EXPECT_THAT(server.output(),
              HasSubstr("the stop took longer than server.shutdown_timeout_ms: exiting now"));
}

TEST_F(StopTest, ConnectionsStillBusyAfterTheDrainTimeoutAreClosedAndTheStopIsClean) {
  SubexdProcess server(dir_.path(), With(With(kStuckArgs, "--server.drain_timeout_ms=200"),
                                         "--server.shutdown_timeout_ms=3600000"));
  ASSERT_TRUE(server.Start()) << server.output();
  StuckClient stuck(server.port(), 64);
  ASSERT_TRUE(stuck.ok());
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_THAT(server.output(),
              AllOf(HasSubstr(R"("msg":"connections still open after server.drain_timeout_ms)"),
                    HasSubstr(R"("msg":"stopped")")));
}

// An idle kept-alive connection does not hold the stop up, and a request in flight is answered.
TEST_F(StopTest, IdleConnectionsCloseAtOnceAndTheStopIsClean) {
  SubexdProcess server(dir_.path(),
                       {"--server.drain_timeout_ms=3600000", "--server.shutdown_timeout_ms=20000"});
  ASSERT_TRUE(server.Start()) << server.output();
  std::vector<std::unique_ptr<HttpClient>> idle;
  for (int i = 0; i < 5; ++i) {
    idle.push_back(std::make_unique<HttpClient>(server.port()));
    ASSERT_EQ(idle.back()->Send("GET", "/healthz").status, 200);  // Kept alive, then idle.
  }
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_THAT(server.output(), Not(HasSubstr("connections still open")));
}

}  // namespace
}  // namespace subex::test
