/* Fuzz target: import row parsing (core/service import), end to end through
 * mi_import into a real database. The first byte picks the entity
 * (customers, staff, orders, interactions, tickets, responses), the format
 * and all-or-nothing versus --rejects; the rest is the file. Each input runs
 * on a fresh copy of a small database made once (the example's
 * configuration, its staff and its first 40 customers), so an input gives
 * the same result however often and in whatever order it runs. */
#include <assert.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "fuzz.h"
#include "service/import.h"
#include "service/sync.h"
#include "store/store.h"

#define EXAMPLE MANYI_SOURCE_DIR "/examples/after-sales"

static const char *const entities[] = {"customers", "staff",   "orders",
                                       "interactions", "tickets", "responses"};

static char dir[64];
static mi_config *cfg;
static uint8_t *base; /* the database file made once */
static size_t base_len;

static void cleanup(void) {
  char path[128];
  static const char *const files[] = {"base.db", "run.db", "in", "rejects", "part.csv"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

static void path_in(char *buf, size_t size, const char *name) {
  snprintf(buf, size, "%s/%s", dir, name);
}

static void die(const char *what, const mi_err *e) {
  fprintf(stderr, "fuzz_import setup: %s: %s\n", what, e->msg);
  abort();
}

static void import_or_die(mi_store *s, const char *entity, const char *path) {
  mi_import_options o = {.entity = entity, .path = path, .actor = "fuzz", .now = 1795161600};
  mi_import_summary sum;
  mi_err e;
  if (mi_import(s, cfg, &o, &sum, &e)) die(path, &e);
}

static void setup(void) {
  mi_err e;
  /* in memory where there is a tmpfs: the database is written every run */
  struct stat st;
  snprintf(dir, sizeof dir, "%s/manyi-fuzz-import.XXXXXX",
           stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp");
  if (!mkdtemp(dir)) abort();
  atexit(cleanup);
  if (mi_config_load(EXAMPLE "/manyi.yaml", &cfg, &e)) die("config", &e);
  char db[128], part[128];
  path_in(db, sizeof db, "base.db");
  path_in(part, sizeof part, "part.csv");
  mi_store *s;
  if (mi_store_open(db, MI_STORE_CREATE, &s, &e)) die("open", &e);
  if (mi_sync_config(s, cfg, 1795161600, NULL, &e)) die("sync", &e);
  import_or_die(s, "staff", EXAMPLE "/data/staff.csv");
  /* the header and 40 customers */
  FILE *in = fopen(EXAMPLE "/data/customers.csv", "r"), *out = fopen(part, "w");
  char line[4096];
  for (int i = 0; in && out && i < 41 && fgets(line, sizeof line, in); i++) fputs(line, out);
  if (!in || !out) abort();
  fclose(in);
  fclose(out);
  import_or_die(s, "customers", part);
  mi_store_close(s);
  FILE *f = fopen(db, "rb");
  if (!f || fseek(f, 0, SEEK_END)) abort();
  base_len = (size_t)ftell(f);
  base = malloc(base_len);
  rewind(f);
  if (!base || fread(base, 1, base_len, f) != base_len) abort();
  fclose(f);
}

static void write_file(const char *path, const uint8_t *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (!cfg) setup();
  char db[128], in[128], rejects[128];
  path_in(db, sizeof db, "run.db");
  path_in(in, sizeof in, "in");
  path_in(rejects, sizeof rejects, "rejects");
  unlink(db);
  write_file(db, base, base_len);
  write_file(in, data + 1, size - 1);
  uint8_t mode = data[0];
  mi_import_options o = {.entity = entities[mode % 6],
                         .path = in,
                         .format = (mode / 6) % 2 ? MI_FORMAT_JSONL : MI_FORMAT_CSV,
                         .rejects_path = (mode / 12) % 2 ? rejects : NULL,
                         .actor = "fuzz",
                         .now = 1795161600};
  mi_store *s;
  mi_err e;
  if (mi_store_open(db, 0, &s, &e)) die("open copy", &e);
  mi_import_summary sum = {0};
  int rc = mi_import(s, cfg, &o, &sum, &e);
  if (rc == 0) assert(sum.inserted + sum.updated + sum.unchanged + sum.rejected <= sum.read);
  else assert(e.msg[0]);
  mi_store_close(s);
  return 0;
}
