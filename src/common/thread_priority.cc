#include "common/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace de {
namespace {

id_t ThreadId() { return static_cast<id_t>(syscall(SYS_gettid)); }

}  // namespace

int ThisThreadNice() {
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, ThreadId());  // -1 is a valid answer
  return errno == 0 ? nice : 0;
}

int LowerThisThreadPriority(int nice) {
  if (nice < 0) nice = 0;
  if (nice > 19) nice = 19;
  const int current = ThisThreadNice();
  if (current < nice) (void)setpriority(PRIO_PROCESS, ThreadId(), nice);
  return ThisThreadNice();
}

}  // namespace de
