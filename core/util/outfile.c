/* Output files through a temporary file and a rename (see outfile.h). */
#define _GNU_SOURCE /* mkostemp */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* stdio keeps no errno of a write that failed earlier on */
#define WRITE_ERROR "a write failed (a full disk or device?)"

struct mi_outfile {
  FILE *f;
  char *path; /* the target */
  char *tmp;  /* the temporary file beside it */
};

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
                      strerror(err));
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
  size_t n = strlen(path) + 16;
  if (!o || !(o->path = strdup(path)) || !(o->tmp = malloc(n))) {
    if (o) free(o->path);
    free(o);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  snprintf(o->tmp, n, "%s.tmp-XXXXXX", path);
  /* mkostemp: O_CREAT | O_EXCL, mode 0600, a name nobody could have placed. */
  int fd = mkostemp(o->tmp, O_CLOEXEC);
  if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
    rc = mi_err_set(e, MI_EIO, "cannot write %s: %s (nothing was written)", path, strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(o->tmp);
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
  fclose(o->f);
  ids s;
  int as = as_caller(&s, NULL);
  unlink(o->tmp);
  if (!as) as_service(&s);
  release(o);
}

int mi_outfile_close(mi_outfile *o, mi_err *e) {
  if (!o) return 0;
  int rc = 0;
  errno = 0;
  if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)
    rc = mi_err_set(e, MI_EIO, "writing %s failed: %s; %s was left as it was", o->path,
                    errno ? strerror(errno) : WRITE_ERROR, o->path);
  if (fclose(o->f) != 0 && rc == 0)
    rc = mi_err_set(e, MI_EIO, "writing %s failed: %s; %s was left as it was", o->path,
                    strerror(errno), o->path);
  /* rename replaces a link put in the target's place meanwhile; never follows it */
  ids s;
  int as = as_caller(&s, rc ? NULL : e);
  if (rc == 0 && as) rc = as;
  if (rc == 0 && rename(o->tmp, o->path) != 0)
    rc = mi_err_set(e, MI_EIO, "cannot write %s: %s (nothing was written)", o->path,
                    strerror(errno));
  if (rc) unlink(o->tmp);
  as_service(&s);
  release(o);
  return rc;
}

int mi_outfile_flush_stream(FILE *f, const char *what, mi_err *e) {
  if (!f) return 0;
  errno = 0;
  if (fflush(f) != 0 || ferror(f))
    return mi_err_set(e, MI_EIO, "writing %s failed: %s", what ? what : "the output",
                      errno ? strerror(errno) : WRITE_ERROR);
  return 0;
}
