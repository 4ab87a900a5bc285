/* The report as PDF: the HTML page (report_html.c) printed by headless
 * Chromium (Debian's chromium) with the page's print stylesheet, so that the
 * PDF carries the same numbers and the verdict fills its first page. The
 * page and a throw-away browser profile live in a private temporary folder
 * that is removed afterwards; the browser is run without a shell. */
#define _GNU_SOURCE /* mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"

extern char **environ;

#define PDF_TIMEOUT_S 120 /* a browser that has not printed by then is stopped */

const char *mi_report_chromium_path(void) {
  const char *env = getenv("MANYI_CHROMIUM");
  if (env && *env) return env;
  static const char *const paths[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
    if (!access(paths[i], X_OK)) return paths[i];
  return NULL;
}

/* Removes dir and what it holds (the browser's profile is a tree). */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *de;
    while ((de = readdir(d))) {
      if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
      struct stat st;
      if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(path);
      else unlink(path);
    }
    closedir(d);
  }
  rmdir(dir);
}

/* Runs argv, waiting at most PDF_TIMEOUT_S; 0 when it exited 0. */
static int run(char *const argv[], mi_err *e) {
  pid_t pid;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  /* the browser's chatter is not the report's: to /dev/null */
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc) return mi_err_set(e, MI_EIO, "cannot start %s: %s", argv[0], strerror(rc));
  int status = 0;
  for (int waited = 0;; waited++) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return mi_err_set(e, MI_EIO, "waiting for %s: %s", argv[0], strerror(errno));
    if (waited >= PDF_TIMEOUT_S * 10) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return mi_err_set(e, MI_EIO, "%s did not print the report within %d s", argv[0], PDF_TIMEOUT_S);
    }
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status))
    return mi_err_set(e, MI_EIO, "%s failed printing the report (status %d)", argv[0],
                      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}

static int copy(const char *path, FILE *out, mi_err *e) {
  FILE *in = fopen(path, "rb");
  if (!in) return mi_err_set(e, MI_EIO, "the browser wrote no PDF (%s)", path);
  char buf[65536];
  size_t n, total = 0;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    total += n;
    if (fwrite(buf, 1, n, out) != n) break;
  }
  int bad = ferror(in) || ferror(out);
  fclose(in);
  if (bad) return mi_err_set(e, MI_EIO, "writing the PDF: %s", strerror(errno));
  if (total < 5) return mi_err_set(e, MI_EIO, "the browser wrote an empty PDF");
  return 0;
}

int mi_report_write_pdf(const json_t *doc, const char *chartjs, const char *chromium, FILE *out,
                        mi_err *e) {
  if (!chromium) chromium = mi_report_chromium_path();
  if (!chromium)
    return mi_err_set(e, MI_ENOTFOUND, "the PDF report is printed by Chromium: install Debian's "
                      "package chromium (apt-get install chromium), or give its path in MANYI_CHROMIUM");
  const char *tmp = getenv("TMPDIR");
  char dir[512];
  snprintf(dir, sizeof dir, "%s/manyi-pdf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) return mi_err_set(e, MI_EIO, "cannot make a temporary folder in %s: %s",
                                       tmp && *tmp ? tmp : "/tmp", strerror(errno));
  char html[600], pdf[600], profile[600], url[700], print[700], data_dir[700];
  snprintf(html, sizeof html, "%s/report.html", dir);
  snprintf(pdf, sizeof pdf, "%s/report.pdf", dir);
  snprintf(profile, sizeof profile, "%s/profile", dir);
  snprintf(url, sizeof url, "file://%s", html);
  snprintf(print, sizeof print, "--print-to-pdf=%s", pdf);
  snprintf(data_dir, sizeof data_dir, "--user-data-dir=%s", profile);
  int rc = 0;
  FILE *f = fopen(html, "w");
  if (!f) rc = mi_err_set(e, MI_EIO, "cannot write %s: %s", html, strerror(errno));
  if (!rc) {
    rc = mi_report_write_html(doc, chartjs, f, e);
    if (fclose(f) && !rc) rc = mi_err_set(e, MI_EIO, "writing %s: %s", html, strerror(errno));
  }
  /* --no-sandbox: the page is manyi's own, offline (no network is asked
   * for); the sandbox cannot start as root, which a service may be. */
  char *argv[] = {(char *)chromium, "--headless", "--no-sandbox", "--disable-gpu",
                  "--no-first-run", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
                  "--virtual-time-budget=10000", data_dir, print, url, NULL};
  if (!rc) rc = run(argv, e);
  if (!rc) rc = copy(pdf, out, e);
  remove_tree(dir);
  return rc;
}
