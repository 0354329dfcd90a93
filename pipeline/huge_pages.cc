#include "pipeline/huge_pages.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1; older headers lack it, older kernels refuse it.
#endif

namespace subex {

CollapseResult CollapseHugePages(const std::atomic<bool>* stop) {
  CollapseResult result;
  std::FILE* smaps = std::fopen("/proc/self/smaps", "r");
  if (smaps == nullptr) return result;
  constexpr unsigned long kHugePage = 2ul << 20;
  unsigned long from = 0, to = 0;
  char line[512];
  while (std::fgets(line, sizeof line, smaps) != nullptr) {
    unsigned long a = 0, b = 0;
    char dash = 0;
    // A mapping's header: "start-end perms offset dev inode [path]".
    if (std::sscanf(line, "%lx%c%lx", &a, &dash, &b) == 3 && dash == '-') {
      from = a;
      to = b;
      continue;
    }
    // Its flags, last of its lines: "hg" is MADV_HUGEPAGE.
    if (std::strncmp(line, "VmFlags:", 8) != 0 || std::strstr(line, " hg") == nullptr) continue;
    const unsigned long first = (from + kHugePage - 1) & ~(kHugePage - 1);
    const unsigned long last = to & ~(kHugePage - 1);
    if (first >= last) continue;
    ++result.mappings;
    result.advised_bytes += last - first;
    bool refused = false;
    for (unsigned long at = first; at < last; at += kCollapseStep) {
      if (stop != nullptr && stop->load()) break;
      const unsigned long step = std::min<unsigned long>(kCollapseStep, last - at);
      refused |= madvise(reinterpret_cast<void*>(at), step, MADV_COLLAPSE) != 0;
    }
    if (refused) ++result.refused;
    if (stop != nullptr && stop->load()) break;
  }
  std::fclose(smaps);
  return result;
}

}  // namespace subex
