/* One batch at a time: a batch (import, eval tiers, eval points) commits in
 * chunks, so SQLite's write lock alone would let two of them interleave their
 * chunks and leave a mixed result. The batch lock is an flock() on the file
 * DB-batch beside the database: the kernel drops it when the process ends,
 * even by kill -9, so a crashed batch never leaves it held. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "store/store_internal.h"

static int in_memory(const mi_store *s) {
  return !s->path || !*s->path || !strcmp(s->path, ":memory:") || !strncmp(s->path, "file:", 5);
}

int mi_store_batch_lock(mi_store *s, const char *what, int wait_ms, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  if (s->batch_depth++ > 0 || in_memory(s)) return 0;
  size_t n = strlen(s->path) + sizeof MI_STORE_BATCH_SUFFIX;
  char *path = malloc(n);
  if (!path) {
    s->batch_depth--;
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  snprintf(path, n, "%s" MI_STORE_BATCH_SUFFIX, s->path);
  int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int rc = mi_err_set(e, MI_EIO, "%s: cannot open the batch lock %s: %s", what, path,
                        strerror(errno));
    free(path);
    s->batch_depth--;
    return rc;
  }
  /* Poll rather than block, so the wait is bounded like SQLite's busy timeout. */
  int waited = 0, rc = 0;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      rc = mi_err_set(e, MI_EIO, "%s: cannot take the batch lock %s: %s", what, path, strerror(errno));
      break;
    }
    if (waited >= wait_ms) {
      rc = mi_err_set(e, MI_EBUSY, "%s: %s is busy (another manyi is writing: a batch such as an "
                      "import or an eval runs, and batches run one at a time); try again "
                      "when it has finished",
                 what, s->path);
      break;
    }
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
    waited += 50;
  }
  free(path);
  if (rc) {
    close(fd);
    s->batch_depth--;
    return rc;
  }
  s->batch_fd = fd + 1;
  return 0;
}

void mi_store_batch_unlock(mi_store *s) {
  if (!s || s->batch_depth == 0 || --s->batch_depth > 0) return;
  if (s->batch_fd > 0) close(s->batch_fd - 1); /* closing drops the flock */
  s->batch_fd = 0;
}
