/* A command of the table run for a request (the API's calls, the agent's
 * page): what it prints captured, its error read back (serve_internal.h). */
#define _GNU_SOURCE /* memfd_create */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "serve/serve_internal.h"

static char *slurp(int fd) {
  off_t n = lseek(fd, 0, SEEK_END);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (!buf) return NULL;
  ssize_t got = pread(fd, buf, (size_t)n, 0);
  buf[got > 0 ? got : 0] = '\0';
  return buf;
}

/* The command, with what it prints to stdout and stderr captured into
 * *out and *err (owned). The serving thread is the only one that writes to
 * them meanwhile (the main thread waits for a signal). The exit status, or
 * -1 when the output cannot be captured. */
int mi_serve_run_as(const mi_serve_options *o, const struct mi_actor *as, int argc, char **argv,
                    char **out, char **err) {
  int fo = memfd_create("manyi-api-out", MFD_CLOEXEC),
      fe = memfd_create("manyi-api-err", MFD_CLOEXEC);
  int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
  *out = *err = NULL;
  int status = -1;
  if (fo >= 0 && fe >= 0 && saved_out >= 0 && saved_err >= 0) {
    fflush(stdout);
    fflush(stderr);
    if (dup2(fo, STDOUT_FILENO) >= 0 && dup2(fe, STDERR_FILENO) >= 0)
      status = o->run_command(o->ud, as, argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    *out = slurp(fo);
    *err = slurp(fe);
  }
  for (int fd, i = 0; i < 4; i++)
    if ((fd = (int[]){fo, fe, saved_out, saved_err}[i]) >= 0) close(fd);
  return status;
}

/* The command's error: the last line of its stderr that is a JSON object
 * (--json), or NULL. */
json_t *mi_serve_command_error(const char *err) {
  const char *last = NULL;
  for (const char *line = err; line && *line;
       line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    if (*line == '{') last = line;
  return last ? json_loads(last, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
}
