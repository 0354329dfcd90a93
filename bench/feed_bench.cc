// feed_bench — durable matching orders against a real subexd while many clients follow the feed
// (issue 21), from one thread and one epoll: the followers' client must not be what limits the
// run. bench/feed_bench.sh starts subexd and runs this.
//
//   feed_bench --port P --admin-key K --pid PID [--seconds 5] [--connections 32]
//              [--members 1000] [--runs "0:none,100:member:poll,..."]
//
// Setup: a supplier with a year of large capacity, a customer whose orders all match it, and
// `members` idle members with keys. Each run: followers of a kind (member: the customer, the
// supplier and idle members, each with its own key; operator: the admin key) follow the feed
// with long polls (GET /v1/events?limit=100&wait_ms=20000) or a stream (GET /v1/events/stream),
// while `connections` clients post orders in a closed loop for `seconds`.
//
// A run of kind `reader` (mode `state` or `list`) has its clients read instead of follow: the
// operator's GET /v1/state, or GET /v1/orders?limit=1000, again and again; its "delivered"
// column is the reads answered and d50/d99 their latency.
//
// Printed per run: orders/s, order p50/p99, the server's resident memory per follower (RSS
// with them parked minus before, over their number), and the delay of each delivery of an
// order.placed to a follower: from the order's answer (which leaves after the event is durable,
// so this is at most the delay from durability) and from the order's send (which is before
// durability, so at least it), p50 and p99.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/inn.h"

namespace {

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Day(int days) {
  const auto t = std::chrono::system_clock::now() + std::chrono::hours(24 * days);
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&tt));
  return buf;
}

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

std::string Request(std::string_view method, std::string_view target, std::string_view key,
                    std::string_view body) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: b\r\n");
  r.append("Authorization: Bearer ").append(key).append("\r\n");
  if (!body.empty()) {
    r.append("Content-Type: application/json\r\nContent-Length: ")
        .append(std::to_string(body.size()))
        .append("\r\n");
  }
  return r.append("\r\n").append(body);
}

// One complete response at the start of `in` (Content-Length framed): its status and body, and
// how many bytes it took; 0 when incomplete.
size_t TakeResponse(const std::string& in, int& status, std::string_view& body) {
  const size_t head = in.find("\r\n\r\n");
  if (head == std::string::npos) return 0;
  status = std::atoi(in.c_str() + 9);
  size_t length = 0;
  const size_t cl = in.find("Content-Length: ");
  if (cl != std::string::npos && cl < head) length = std::strtoull(in.c_str() + cl + 16, nullptr, 10);
  if (in.size() < head + 4 + length) return 0;
  body = std::string_view(in).substr(head + 4, length);
  return head + 4 + length;
}

// A blocking request on its own connection, for the setup.
std::string Call(uint16_t port, std::string_view method, std::string_view target,
                 std::string_view key, std::string_view body, int expect) {
  const int fd = Connect(port);
  const std::string req = Request(method, target, key, body);
  if (::send(fd, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) std::exit(1);
  std::string in;
  char buf[65536];
  int status = 0;
  std::string_view b;
  size_t used = 0;
  while ((used = TakeResponse(in, status, b)) == 0) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) std::exit(1);
    in.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (status != expect) {
    std::fprintf(stderr, "%.*s %.*s: %d %.*s\n", static_cast<int>(method.size()), method.data(),
                 static_cast<int>(target.size()), target.data(), status,
                 static_cast<int>(b.size()), b.data());
    std::exit(1);
  }
  return std::string(b);
}

std::string Field(std::string_view json, std::string_view name) {
  const std::string key = "\"" + std::string(name) + "\":";
  size_t at = json.find(key);
  if (at == std::string_view::npos) return {};
  at += key.size();
  if (json[at] == '"') {
    const size_t end = json.find('"', at + 1);
    return std::string(json.substr(at + 1, end - at - 1));
  }
  const size_t end = json.find_first_of(",}", at);
  return std::string(json.substr(at, end - at));
}

std::pair<std::string, std::string> Register(uint16_t port, const std::string& admin, int i,
                                             const char* roles) {
  const std::string body =
      "{\"name\":\"Bench " + std::to_string(i) + "\",\"inn\":\"" +
      subex::CompanyInn(std::to_string(600'000'000 + i)) +
      "\",\"region\":\"RU-LIP\",\"location\":{\"lat\":52.6,\"lon\":39.57},\"roles\":[" + roles +
      "],\"processes\":[\"machining\"],\"certifications\":[]}";
  const std::string r = Call(port, "POST", "/v1/members", admin, body, 201);
  return {Field(r, "id"), Field(r, "api_key")};
}

uint64_t RssKb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// CPU seconds used so far: this process's, or another's from /proc.
double CpuSeconds(int pid) {
  if (pid == 0) {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  }
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = stat.rfind(')');
  // Fields after the command: state is the 3rd field; utime and stime the 14th and 15th.
  for (int field = 2; field < 14 && at != std::string::npos; ++field) at = stat.find(' ', at + 1);
  if (at == std::string::npos) return 0;
  char* end = nullptr;
  const double utime = std::strtod(stat.c_str() + at + 1, &end);
  const double stime = std::strtod(end, nullptr);
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Percentile(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]);
}

struct Conn {
  enum Kind { kOrder, kPoll, kSse, kRead } kind;
  int fd = -1;
  std::string key;
  std::string in, out;
  size_t out_off = 0;
  bool head_done = false;  // A stream's head.
  uint64_t after = 0;
  int64_t sent_us = 0;
  uint64_t order = 0;  // The order in flight.
  std::string path;    // A reader's.
};

struct Delivery {
  uint64_t order;
  int64_t at_us;
};

class Bench {
 public:
  Bench(uint16_t port, std::string admin) : port_(port), admin_(std::move(admin)) {
    ep_ = epoll_create1(0);
  }

  std::string customer_key, supplier_key;
  std::vector<std::string> member_keys;  // The customer's and supplier's first, then idle ones.
  std::string order_body_head, order_body_tail;
  int seconds = 5, connections = 32, pid = 0;

  void Run(int followers, const std::string& kind, const std::string& mode) {
    conns_.clear();
    deliveries_.clear();
    order_send_.clear();
    order_answer_.clear();
    latencies_.clear();
    const uint64_t start_seq =
        std::strtoull(Field(Call(port_, "GET", "/v1/state", admin_, "", 200), "seq").c_str(),
                      nullptr, 10);
    const uint64_t rss_before = RssKb(pid);
    for (int i = 0; i < followers; ++i) {
      if (kind == "reader") {
        // The operator's whole-state read, or its list of 1,000 orders, again and again.
        Open(Conn::kRead, admin_, 0,
             mode == "state" ? "/v1/state" : "/v1/orders?limit=1000");
        continue;
      }
      const std::string& key =
          kind == "operator" ? admin_ : member_keys[static_cast<size_t>(i) % member_keys.size()];
      Open(mode == "sse" ? Conn::kSse : Conn::kPoll, key, start_seq);
    }
    Loop(NowUs() + 1'500'000, false);  // The followers park.
    const uint64_t rss_parked = RssKb(pid);
    for (int i = 0; i < connections; ++i) Open(Conn::kOrder, customer_key, 0);
    const int64_t begin = NowUs();
    read_latencies_.clear();
    const double server_cpu = CpuSeconds(pid), client_cpu = CpuSeconds(0);
    Loop(begin + seconds * 1'000'000LL, true);
    const double elapsed = static_cast<double>(NowUs() - begin) / 1e6;
    server_cpu_ = (CpuSeconds(pid) - server_cpu) / elapsed;
    client_cpu_ = (CpuSeconds(0) - client_cpu) / elapsed;
    Loop(NowUs() + 300'000, false);  // The last deliveries.
    for (auto& c : conns_) ::close(c->fd);
    Report(followers, kind, mode, elapsed, rss_before, rss_parked);
  }

 private:
  void Open(Conn::Kind kind, const std::string& key, uint64_t after, std::string path = {}) {
    auto c = std::make_unique<Conn>();
    c->kind = kind;
    c->key = key;
    c->after = after;
    c->path = std::move(path);
    c->fd = Connect(port_);
    ::fcntl(c->fd, F_SETFL, O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.ptr = c.get();
    epoll_ctl(ep_, EPOLL_CTL_ADD, c->fd, &ev);
    Conn* raw = c.get();
    conns_.push_back(std::move(c));
    if (kind == Conn::kSse) {
      Queue(*raw, Request("GET", "/v1/events/stream?after=" + std::to_string(after), key, ""));
    } else if (kind == Conn::kPoll) {
      Poll(*raw);
    } else if (kind == Conn::kRead) {
      Read(*raw);
    }
  }

  void Read(Conn& c) {
    c.sent_us = NowUs();
    Queue(c, Request("GET", c.path, c.key, ""));
  }

  void Poll(Conn& c) {
    Queue(c, Request("GET",
                     "/v1/events?limit=100&wait_ms=20000&after=" + std::to_string(c.after),
                     c.key, ""));
  }

  void SendOrder(Conn& c) {
    c.order = next_order_++;
    c.sent_us = NowUs();
    if (order_send_.size() <= c.order) order_send_.resize(c.order + 1, 0);
    order_send_[c.order] = c.sent_us;
    Queue(c, Request("POST", "/v1/orders", c.key,
                     order_body_head + std::to_string(c.order) + order_body_tail));
  }

  void Queue(Conn& c, std::string bytes) {
    c.out.append(bytes);
    Flush(c);
  }

  void Flush(Conn& c) {
    while (c.out_off < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, 0);
      if (n <= 0) return;  // EAGAIN: EPOLLOUT resumes.
      c.out_off += static_cast<size_t>(n);
    }
    c.out.clear();
    c.out_off = 0;
  }

  // Every order.placed in `text` (a page or stream events), by the order number in its title.
  void Delivered(std::string_view text, int64_t at) {
    static constexpr std::string_view kTitle = "\"title\":\"Bench order ";
    for (size_t at_pos = text.find(kTitle); at_pos != std::string_view::npos;
         at_pos = text.find(kTitle, at_pos + 1)) {
      deliveries_.push_back({std::strtoull(text.data() + at_pos + kTitle.size(), nullptr, 10), at});
    }
  }

  void OnReadable(Conn& c, bool ordering) {
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      c.in.append(buf, static_cast<size_t>(n));
    }
    const int64_t now = NowUs();
    if (c.kind == Conn::kSse) return OnStream(c, now);
    int status = 0;
    std::string_view body;
    size_t used;
    while ((used = TakeResponse(c.in, status, body)) > 0) {
      if (c.kind == Conn::kOrder) {
        if (status != 201) ++errors_;
        latencies_.push_back(now - c.sent_us);
        if (order_answer_.size() <= c.order) order_answer_.resize(c.order + 1, 0);
        order_answer_[c.order] = now;
        c.in.erase(0, used);
        if (ordering) SendOrder(c);
        continue;
      }
      if (c.kind == Conn::kRead) {
        if (status != 200) ++errors_;
        read_latencies_.push_back(now - c.sent_us);
        c.in.erase(0, used);
        Read(c);
        continue;
      }
      if (status == 200) {
        Delivered(body, now);
        c.after = std::strtoull(Field(body, "next").c_str(), nullptr, 10);
      } else {
        ++errors_;
      }
      c.in.erase(0, used);
      Poll(c);
    }
  }

  void OnStream(Conn& c, int64_t now) {
    if (!c.head_done) {
      const size_t head = c.in.find("\r\n\r\n");
      if (head == std::string::npos) return;
      if (std::atoi(c.in.c_str() + 9) != 200) ++errors_;
      c.in.erase(0, head + 4);
      c.head_done = true;
    }
    const size_t end = c.in.rfind("\n\n");
    if (end == std::string::npos) return;
    Delivered(std::string_view(c.in).substr(0, end), now);
    c.in.erase(0, end + 2);
  }

  void Loop(int64_t until, bool ordering) {
    if (ordering) {
      for (auto& c : conns_) {
        if (c->kind == Conn::kOrder) SendOrder(*c);
      }
    }
    epoll_event events[512];
    while (NowUs() < until) {
      const int n = epoll_wait(ep_, events, 512, 5);
      for (int i = 0; i < n; ++i) {
        Conn& c = *static_cast<Conn*>(events[i].data.ptr);
        if (events[i].events & EPOLLOUT) Flush(c);
        if (events[i].events & EPOLLIN) OnReadable(c, ordering);
      }
    }
  }

  void Report(int followers, const std::string& kind, const std::string& mode, double elapsed,
              uint64_t rss_before, uint64_t rss_parked) {
    std::vector<int64_t> from_answer, from_send;
    for (const Delivery& d : deliveries_) {
      if (d.order >= order_answer_.size() || order_answer_[d.order] == 0) continue;
      from_answer.push_back(std::max<int64_t>(0, d.at_us - order_answer_[d.order]));
      from_send.push_back(d.at_us - order_send_[d.order]);
    }
    if (kind == "reader") {
      // For readers: reads answered, and their latency, in the delivery columns.
      const size_t reads = read_latencies_.size();
      from_answer.swap(read_latencies_);
      from_send = from_answer;
      if (reads == 0) ++errors_;
    }
    const double orders = static_cast<double>(latencies_.size());
    std::printf(
        "%-9s %5d %-5s %9.0f %7.2f %7.2f %9zu %8.2f %8.2f %8.2f %9.1f %6zu %5.0f%% %5.0f%%\n",
        kind.c_str(),
        followers, mode.c_str(), orders / elapsed, Percentile(latencies_, 0.5) / 1000,
        Percentile(latencies_, 0.99) / 1000, from_answer.size(),
        Percentile(from_answer, 0.5) / 1000, Percentile(from_answer, 0.99) / 1000,
        Percentile(from_send, 0.99) / 1000,
        followers > 0 ? static_cast<double>(rss_parked - std::min(rss_parked, rss_before)) *
                            1024.0 / followers
                      : 0.0,
        errors_, server_cpu_ * 100, client_cpu_ * 100);
    std::fflush(stdout);
    // A smoke run (CI) fails on an error answer, or on followers that never received an order.
    failed = failed || errors_ > 0 || (followers > 0 && from_answer.empty());
    read_latencies_.clear();
    errors_ = 0;
  }

 public:
  bool failed = false;

 private:

  uint16_t port_;
  std::string admin_;
  int ep_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Delivery> deliveries_;
  std::vector<int64_t> order_send_, order_answer_, latencies_, read_latencies_;
  uint64_t next_order_ = 1;
  double server_cpu_ = 0, client_cpu_ = 0;
  size_t errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  uint16_t port = 0;
  std::string admin, runs = "0:none:poll,100:member:poll,1000:member:poll,10:operator:poll,"
                            "20:operator:poll,1000:member:sse,20:operator:sse";
  int seconds = 5, connections = 32, members = 1000, pid = 0, header = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--port") port = static_cast<uint16_t>(std::atoi(v.c_str()));
    if (a == "--admin-key") admin = v;
    if (a == "--seconds") seconds = std::atoi(v.c_str());
    if (a == "--connections") connections = std::atoi(v.c_str());
    if (a == "--members") members = std::atoi(v.c_str());
    if (a == "--pid") pid = std::atoi(v.c_str());
    if (a == "--runs") runs = v;
    if (a == "--header") header = std::atoi(v.c_str());
  }
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  Bench b(port, admin);
  b.seconds = seconds;
  b.connections = connections;
  b.pid = pid;
  auto [supplier, supplier_key] = Register(port, admin, 0, "\"supplier\"");
  auto [customer, customer_key] = Register(port, admin, 1, "\"customer\"");
  b.customer_key = customer_key;
  b.supplier_key = supplier_key;
  Call(port, "POST", "/v1/offers", supplier_key,
       "{\"process\":\"machining.milling.cnc_5axis\",\"daily_capacity\":1000000,\"from\":\"" +
           Day(2) + "\",\"to\":\"" + Day(360) +
           "\",\"unit_price\":3200.00,\"min_lot\":1,\"auto_accept\":true}",
       201);
  b.order_body_head = "{\"title\":\"Bench order ";
  b.order_body_tail = "\",\"process\":\"machining.milling\",\"quantity\":4,\"start\":\"" + Day(10) +
                      "\",\"due\":\"" + Day(40) + "\",\"max_unit_price\":3500.00}";
  b.member_keys = {customer_key, supplier_key};
  for (int i = 0; i < members - 2; ++i) {
    b.member_keys.push_back(Register(port, admin, 2 + i, "\"customer\"").second);
  }
  if (header) {
    std::printf("%-9s %5s %-5s %9s %7s %7s %9s %8s %8s %8s %9s %6s %6s %6s\n", "followers", "n",
                "mode", "orders/s", "p50 ms", "p99 ms", "delivered", "d50 ms", "d99 ms",
                "d99s ms", "B/follower", "errors", "server", "client");
  }
  size_t pos = 0;
  while (pos < runs.size()) {
    size_t end = runs.find(',', pos);
    if (end == std::string::npos) end = runs.size();
    const std::string run = runs.substr(pos, end - pos);
    pos = end + 1;
    const size_t c1 = run.find(':'), c2 = run.find(':', c1 + 1);
    b.Run(std::atoi(run.substr(0, c1).c_str()), run.substr(c1 + 1, c2 - c1 - 1),
          run.substr(c2 + 1));
  }
  return b.failed ? 1 : 0;
}
