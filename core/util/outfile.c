/* Output files through a temporary file and a rename (see outfile.h). */
#define _GNU_SOURCE /* mkostemp, O_TMPFILE, secure_getenv */
#include "util/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/i18n.h"

/* stdio keeps no errno of a write that failed earlier on */
#define WRITE_ERROR "a write failed (a full disk or device?)"

struct mi_outfile {
  FILE *f;
  char *path; /* the target */
  char *tmp;  /* the temporary file beside it: a name (FILE.tmp-XXXXXX) only
               * for the named fallback, or while an O_TMPFILE is linked in */
  int unnamed; /* the data is an O_TMPFILE that has no name yet */
};

#define TMP_SUFFIX ".tmp-"
#define TMP_RANDOM 6 /* the XXXXXX of mkostemp */

/* Under set-user-id (the real uid is not the effective one) the file is
 * the caller's: the checks, the temporary file and the rename run with the
 * caller's uid and gid as effective ids, so the caller owns the file and
 * cannot write where they could not write themselves (the service account's
 * folders). The saved ids keep the service account for switching back. */
typedef struct ids {
  int switched;
  uid_t euid;
  gid_t egid;
} ids;

static int as_caller(ids *s, mi_err *e) {
  s->switched = 0;
  if (getuid() == geteuid() && getgid() == getegid()) return 0;
  s->euid = geteuid(), s->egid = getegid();
  if (setegid(getgid()) != 0 || seteuid(getuid()) != 0) {
    int err = errno;
    if (setegid(s->egid)) { /* nothing else to do: the next check fails */ }
    return mi_err_set(e, MI_EIO, "cannot take the caller's rights to write a file: %s",
                      mi_strerror(err));
  }
  s->switched = 1;
  return 0;
}

static void as_service(const ids *s) {
  if (!s->switched) return;
  /* back to the service account, which the saved ids allow */
  if (seteuid(s->euid) != 0 || setegid(s->egid) != 0) abort(); /* never half-switched */
}

static const char *const companions[] = {"", "-wal", "-shm", "-journal", "-batch", "-audit-head", NULL};

/* The absolute name of path with its folder resolved (the file itself need
 * not exist); NULL when the folder cannot be resolved. Caller frees. */
static char *canonical(const char *path) {
  char *a = strdup(path), *b = strdup(path), *out = NULL;
  if (a && b) {
    char dir[PATH_MAX];
    const char *base = basename(b);
    if (realpath(dirname(a), dir)) {
      size_t n = strlen(dir) + strlen(base) + 2;
      if ((out = malloc(n))) snprintf(out, n, "%s/%s", strcmp(dir, "/") ? dir : "", base);
    }
  }
  free(a);
  free(b);
  return out;
}

int mi_outfile_check(const char *path, const char *protect, mi_err *e) {
  if (!path || !*path) return mi_err_set(e, MI_EINVAL, "no output file given");
  struct stat st;
  int exists = lstat(path, &st) == 0;
  if (exists && S_ISLNK(st.st_mode))
    return mi_err_set(e, MI_EINVAL, "%s is a symbolic link: manyi does not write through links "
                      "(give the file it points to, or another name)", path);
  if (exists && S_ISDIR(st.st_mode))
    return mi_err_set(e, MI_EINVAL, "%s is a folder: give a file name", path);
  if (!protect || !*protect) return 0;
  char *me = canonical(path), *db = canonical(protect);
  int rc = 0;
  for (const char *const *c = companions; rc == 0 && *c; c++) {
    size_t n = strlen(protect) + strlen(*c) + 1;
    char *name = malloc(n);
    if (!name) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      break;
    }
    snprintf(name, n, "%s%s", protect, *c);
    struct stat ds;
    int same_file = exists && stat(name, &ds) == 0 && ds.st_dev == st.st_dev && ds.st_ino == st.st_ino;
    int same_name = me && db && !strncmp(me, db, strlen(db)) && !strcmp(me + strlen(db), *c);
    if (same_file || same_name)
      rc = mi_err_set(e, MI_EINVAL, "%s is %s: manyi does not write its output there (give "
                      "another file name)", path, **c ? "one of the database's own files" : "the database");
    free(name);
  }
  free(me);
  free(db);
  return rc;
}

/* Temporary names: TARGET.tmp-PID-XXXXXX, PID the writer's process id and
 * XXXXXX random. A writer holds an flock on its file while it lives; a
 * name whose writer is gone (no such process here, and no lock held) is
 * litter of a killed run and is removed by the next sweep. */

/* Where the temporary part of name starts (".tmp-PID-XXXXXX" at its end,
 * after a target name of at least one byte), else NULL. */
static const char *tmp_part(const char *name, pid_t *pid) {
  size_t n = strlen(name), sl = strlen(TMP_SUFFIX);
  if (n < TMP_RANDOM + 2) return NULL;
  const char *r = name + n - TMP_RANDOM;
  for (const char *c = r; *c; c++)
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
      return NULL;
  if (r[-1] != '-') return NULL;
  const char *d = r - 1;
  while (d > name && d[-1] >= '0' && d[-1] <= '9') d--;
  if (d == r - 1 || r - 1 - d > 10 || (size_t)(d - name) < sl + 1) return NULL;
  const char *t = d - sl;
  if (strncmp(t, TMP_SUFFIX, sl)) return NULL;
  *pid = (pid_t)strtol(d, NULL, 10);
  return t;
}

/* Removes name in dfd when it is a temporary file of ours whose writer is
 * gone: a regular file with one link, ours, mode 0600, its process id not
 * running here and no lock on it. 1 when removed. */
static int remove_if_stale(int dfd, const char *name, pid_t pid) {
  struct stat st;
  if (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH)) return 0; /* its writer may live */
  if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
      st.st_uid != geteuid() || st.st_nlink != 1 || (st.st_mode & 0777) != 0600)
    return 0;
  int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat fs;
  int gone = fstat(fd, &fs) == 0 && fs.st_dev == st.st_dev && fs.st_ino == st.st_ino &&
             flock(fd, LOCK_EX | LOCK_NB) == 0 && unlinkat(dfd, name, 0) == 0;
  close(fd);
  return gone;
}

/* Sweeps dir for stale temporary files; only those of target (a base name)
 * when target is not NULL. Returns how many were removed. */
static size_t sweep(const char *dir, const char *target) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  size_t removed = 0, tl = target ? strlen(target) : 0;
  struct dirent *ent;
  while ((ent = readdir(d))) {
    pid_t pid;
    const char *t = tmp_part(ent->d_name, &pid);
    if (!t || (target && ((size_t)(t - ent->d_name) != tl || strncmp(ent->d_name, target, tl))))
      continue;
    removed += (size_t)remove_if_stale(dirfd(d), ent->d_name, pid);
  }
  closedir(d);
  return removed;
}

size_t mi_outfile_sweep(const char *dir) {
  if (!dir || !*dir) return 0;
  ids s;
  if (as_caller(&s, NULL)) return 0;
  size_t n = sweep(dir, NULL);
  as_service(&s);
  return n;
}

/* A fresh temporary name for path into name (size n). */
static void tmp_name(const char *path, char *name, size_t n, int with_random) {
  static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  char r[TMP_RANDOM + 1] = "XXXXXX";
  if (with_random) {
    unsigned char b[TMP_RANDOM];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (getentropy(b, sizeof b) != 0)
      for (int i = 0; i < TMP_RANDOM; i++) b[i] = (unsigned char)((uintptr_t)ts.tv_nsec >> (i * 5));
    for (int i = 0; i < TMP_RANDOM; i++) r[i] = alnum[b[i] % (sizeof alnum - 1)];
  }
  snprintf(name, n, "%s" TMP_SUFFIX "%ld-%s", path, (long)getpid(), r);
}

/* The folder of path and its base name, or -1 (out of memory). */
static int split(const char *path, char **dir, char **base) {
  char *a = strdup(path), *b = strdup(path);
  *dir = a ? strdup(dirname(a)) : NULL;
  *base = b ? strdup(basename(b)) : NULL;
  free(a);
  free(b);
  if (*dir && *base) return 0;
  free(*dir);
  free(*base);
  return -1;
}

/* An O_TMPFILE in dir: a file with no name, so a killed writer leaves
 * nothing behind; named at the end through /proc/self/fd. -1 where the file
 * system or the kernel has none (or /proc is missing): the named fallback. */
static int open_unnamed(const char *dir) {
#ifdef O_TMPFILE
  if (secure_getenv("MANYI_OUTFILE_NAMED")) return -1; /* tests of the fallback */
  if (access("/proc/self/fd", X_OK) != 0) return -1;
  return open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
#else
  (void)dir;
  return -1;
#endif
}

static int open_file(const char *path, const char *protect, mi_outfile **out, mi_err *e);

int mi_outfile_open(const char *path, const char *protect, mi_outfile **out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "mi_outfile_open: no output pointer");
  *out = NULL;
  ids s;
  int rc = as_caller(&s, e);
  if (rc) return rc;
  rc = open_file(path, protect, out, e);
  as_service(&s);
  return rc;
}

static int open_file(const char *path, const char *protect, mi_outfile **out, mi_err *e) {
  int rc = mi_outfile_check(path, protect, e);
  if (rc) return rc;
  mi_outfile *o = calloc(1, sizeof *o);
  size_t n = strlen(path) + 40;
  char *dir = NULL, *base = NULL;
  if (!o || !(o->path = strdup(path)) || !(o->tmp = malloc(n)) || split(path, &dir, &base)) {
    if (o) free(o->path), free(o->tmp);
    free(o);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  sweep(dir, base); /* what a killed writer of this file left */
  int fd = open_unnamed(dir);
  o->unnamed = fd >= 0;
  o->tmp[0] = 0;
  if (fd < 0) {
    /* mkostemp: O_CREAT | O_EXCL, mode 0600, a name nobody could have placed. */
    tmp_name(path, o->tmp, n, 0);
    fd = mkostemp(o->tmp, O_CLOEXEC);
  }
  free(dir);
  free(base);
  /* the lock tells a sweep that this file's writer lives */
  if (fd >= 0 && flock(fd, LOCK_EX) != 0) { /* no locks here: the process id still guards it */ }
  if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
    rc = mi_err_set(e, MI_EIO, "cannot write %s: %s (nothing was written)", path, mi_strerror(errno));
    if (fd >= 0) {
      close(fd);
      if (!o->unnamed) unlink(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    free(o);
    return rc;
  }
  *out = o;
  return 0;
}

FILE *mi_outfile_stream(mi_outfile *o) { return o ? o->f : NULL; }

static void release(mi_outfile *o) {
  free(o->path);
  free(o->tmp);
  free(o);
}

void mi_outfile_abort(mi_outfile *o) {
  if (!o) return;
  ids s;
  int as = as_caller(&s, NULL);
  if (!o->unnamed) unlink(o->tmp); /* before the lock goes with the close */
  fclose(o->f);
  if (!as) as_service(&s);
  release(o);
}

/* Gives the unnamed file the name path: linked straight in when path does
 * not exist, else linked to a temporary name and renamed over path (so an
 * existing path is replaced whole). 0, or -1 with errno. */
static int link_unnamed(mi_outfile *o, size_t n) {
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fileno(o->f));
  if (linkat(AT_FDCWD, proc, AT_FDCWD, o->path, AT_SYMLINK_FOLLOW) == 0) return 0;
  if (errno != EEXIST) return -1;
  for (int tries = 0; tries < 100; tries++) {
    tmp_name(o->path, o->tmp, n, 1);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0) {
      o->unnamed = 0; /* now a name to remove on failure */
      return rename(o->tmp, o->path);
    }
    if (errno != EEXIST) return -1;
  }
  return -1;
}

int mi_outfile_close(mi_outfile *o, mi_err *e) {
  if (!o) return 0;
  int rc = 0;
  errno = 0;
  if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)
    rc = mi_err_set(e, MI_EIO, "writing %s failed: %s; %s was left as it was", o->path,
                    errno ? mi_strerror(errno) : WRITE_ERROR, o->path);
  /* link and rename refuse or replace a link put in the target's place
   * meanwhile; never follow it */
  ids s;
  int as = as_caller(&s, rc ? NULL : e);
  if (rc == 0 && as) rc = as;
  if (rc == 0) {
    int moved = o->unnamed ? link_unnamed(o, strlen(o->path) + 40) : rename(o->tmp, o->path);
    if (moved != 0)
      rc = mi_err_set(e, MI_EIO, "cannot write %s: %s (nothing was written)", o->path,
                      mi_strerror(errno));
  }
  if (rc && !o->unnamed) unlink(o->tmp);
  /* The lock goes with the close, after the rename, so no sweep takes the
   * file while it has a temporary name. Every byte is flushed and synced
   * by now: a close error has nothing left to lose. */
  fclose(o->f);
  as_service(&s);
  release(o);
  return rc;
}

int mi_outfile_flush_stream(FILE *f, const char *what, mi_err *e) {
  if (!f) return 0;
  errno = 0;
  if (fflush(f) != 0 || ferror(f))
    return mi_err_set(e, MI_EIO, "writing %s failed: %s", what ? what : "the output",
                      errno ? mi_strerror(errno) : WRITE_ERROR);
  return 0;
}
