#include "tests/subexd_process.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace subex::test {

bool SubexdProcess::Start() {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return false;
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::close(pipe_fds[0]);
    ::setenv("SUBEX_ADMIN_KEY", kAdminKey, 1);
    for (const auto& [name, value] : env_) ::setenv(name.c_str(), value.c_str(), 1);
    if (file_size_limit_ > 0) {
      // A write past the limit fails with EFBIG instead of raising SIGXFSZ: a full disk.
      ::signal(SIGXFSZ, SIG_IGN);
      const rlimit limit{.rlim_cur = file_size_limit_, .rlim_max = file_size_limit_};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<std::string> args = {SUBEX_SUBEXD,  "--listen", "127.0.0.1:0", "--data-dir",
                                     dir_,          "--config", SUBEX_SOURCE_DIR "/config/subex.toml"};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(SUBEX_SUBEXD, argv.data());
    std::_Exit(127);
  }
  ::close(pipe_fds[1]);
  pid_ = pid;
  out_fd_ = pipe_fds[0];
  output_.clear();
  constexpr std::string_view kListening = "listening on http://127.0.0.1:";
  char chunk[4096];
  for (;;) {
    const size_t at = output_.find(kListening);
    if (at != std::string::npos && output_.find('\n', at) != std::string::npos) {
      port_ = static_cast<uint16_t>(std::atoi(output_.c_str() + at + kListening.size()));
      return port_ != 0;
    }
    ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
    if (n <= 0) return false;  // It exited before listening; `output()` says why.
    output_.append(chunk, static_cast<size_t>(n));
  }
}

int SubexdProcess::Stop() {
  if (pid_ < 0) return -1;
  ::kill(pid_, SIGTERM);
  return Wait();
}

void SubexdProcess::Signal(int signal) {
  if (pid_ >= 0) ::kill(pid_, signal);
}

bool SubexdProcess::WaitForOutput(std::string_view text) {
  char chunk[4096];
  while (output_.find(text) == std::string::npos) {
    ssize_t n = out_fd_ < 0 ? 0 : ::read(out_fd_, chunk, sizeof chunk);
    if (n <= 0) return false;
    output_.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

int SubexdProcess::Wait() {
  if (pid_ < 0) return -1;
  // The output first: a server blocked writing to a full pipe would never exit.
  char chunk[4096];
  ssize_t n;
  while ((n = ::read(out_fd_, chunk, sizeof chunk)) > 0) output_.append(chunk, static_cast<size_t>(n));
  ::close(out_fd_);
  out_fd_ = -1;
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void SubexdProcess::Kill() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  ::close(out_fd_);
  out_fd_ = -1;
}

}  // namespace subex::test
