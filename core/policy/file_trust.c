/* Which policy files manyi runs: like ssh with its keys, none that group or
 * others can write, and none in a folder they can write (there anyone could
 * replace the file, or add a module). Kept apart from the sandbox: this is
 * about the files, not what the code in them may do. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/policy_internal.h"

int mi_pol_file_trusted(const char *path, const struct stat *st, char *why, size_t size) {
  if (st->st_mode & (S_IWGRP | S_IWOTH)) {
    snprintf(why, size, "group or others can write this policy file (mode %04o): run "
             "'chmod go-w %s'", (unsigned)(st->st_mode & 07777), path);
    return 0;
  }
  char *copy = strdup(path);
  if (!copy) {
    snprintf(why, size, "out of memory");
    return 0;
  }
  const char *dir = dirname(copy);
  struct stat ds;
  int ok = 1;
  if (stat(dir, &ds) != 0) {
    snprintf(why, size, "cannot check the policy folder %s: %s", dir, strerror(errno));
    ok = 0;
  } else if (ds.st_mode & (S_IWGRP | S_IWOTH)) {
    snprintf(why, size, "group or others can write the policy folder %s (mode %04o), so they "
             "could replace its files: run 'chmod go-w %s'", dir, (unsigned)(ds.st_mode & 07777),
             dir);
    ok = 0;
  }
  free(copy);
  return ok;
}
