// CollapseHugePages — gathers the heap back into transparent huge pages after a forked snapshot.
//
// A snapshot forks the process; fork() copies the page tables of the whole heap, and copying one
// entry per 2 MB huge page instead of one per 4 KiB page is what keeps the engine thread's stall
// short. But while the child lives, the parent's first write to each shared huge page makes the
// kernel split it and copy 4 KiB, so every snapshot leaves more of the heap on small pages and
// the next fork is slower. Afterwards, this asks the kernel to collapse them again
// (madvise(MADV_COLLAPSE), Linux 6.1 and later), synchronously, in the calling thread: call it
// from a thread other than the engine's.
//
// Only mappings the allocator advised for huge pages (MADV_HUGEPAGE, which glibc does when
// `subexd` runs with glibc.malloc.hugetlb=1) are touched; with huge pages off it does nothing.
//
//   CollapseResult r = CollapseHugePages(&stopping);  // r.advised_bytes, r.mappings

#ifndef SUBEX_PIPELINE_HUGE_PAGES_H_
#define SUBEX_PIPELINE_HUGE_PAGES_H_

#include <atomic>
#include <cstddef>

namespace subex {

struct CollapseResult {
  size_t mappings = 0;       // Mappings advised for huge pages that the call asked to collapse.
  size_t advised_bytes = 0;  // Their size.
  size_t refused = 0;        // Of those, how many the kernel refused wholly or in part (an
                             // older kernel, or pages it could not gather); harmless.
};

// Collapses at most kCollapseStep bytes per call to the kernel, and stops between them once
// `stop` (if given) is set: a stopping server waits for one step, not for the whole heap.
inline constexpr size_t kCollapseStep = 64ul << 20;
CollapseResult CollapseHugePages(const std::atomic<bool>* stop = nullptr);

}  // namespace subex

#endif  // SUBEX_PIPELINE_HUGE_PAGES_H_
