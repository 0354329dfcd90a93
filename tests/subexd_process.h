// SubexdProcess — the real `subexd` binary started on an ephemeral port for end-to-end tests.
//
// Starts `subexd --listen 127.0.0.1:0 --data-dir DIR --config <repo config>` with a fixed admin
// key, waits for its "listening on" line and reads the port from it. The data directory outlives
// a Stop/Start, so a test can restart the server on the same journal. Its stdout and stderr are
// collected together in `output()`.
//
//   SubexdProcess server(dir);
//   ASSERT_TRUE(server.Start());
//   HttpClient c(server.port());
//
// Not safe for concurrent use.

#ifndef SUBEX_TESTS_SUBEXD_PROCESS_H_
#define SUBEX_TESTS_SUBEXD_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace subex::test {

inline constexpr char kAdminKey[] = "sx_test_admin_key_0123456789abcdef";

class SubexdProcess {
 public:
  explicit SubexdProcess(std::string data_dir, std::vector<std::string> extra_args = {})
      : dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {}
  ~SubexdProcess() { Kill(); }

  // An environment variable for the next Start.
  void SetEnv(std::string name, std::string value) {
    env_.emplace_back(std::move(name), std::move(value));
  }

  // The largest file the next Start may write, in bytes (RLIMIT_FSIZE; 0: no limit): a write
  // beyond it fails as on a full disk.
  void SetFileSizeLimit(uint64_t bytes) { file_size_limit_ = bytes; }

  // Starts the server and waits until it listens; false (with its output) when it does not,
  // and then `Wait` tells how it exited.
  bool Start();
  // SIGTERM and wait for a clean exit; returns the exit status.
  int Stop();
  // Sends `signal` and returns at once.
  void Signal(int signal);
  // Reads the output until it holds `text`; false when the server closes it first.
  bool WaitForOutput(std::string_view text);
  // Waits for the server to exit; returns the exit status (128 + the signal when killed by one).
  int Wait();
  // SIGKILL, as a crash.
  void Kill();

  uint16_t port() const { return port_; }
  const std::string& output() const { return output_; }

 private:
  std::string dir_;
  std::vector<std::string> extra_args_;
  std::vector<std::pair<std::string, std::string>> env_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  uint16_t port_ = 0;
  uint64_t file_size_limit_ = 0;
  std::string output_;
};

}  // namespace subex::test

#endif  // SUBEX_TESTS_SUBEXD_PROCESS_H_
