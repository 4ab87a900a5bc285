/* Fuzz target: the CSV and JSON Lines record reader (core/util), the layer
 * under every import. The first byte picks the format, the read block size
 * (tiny blocks put block ends everywhere) and whether to keep formula
 * apostrophes; the rest is the file. Every record must be consistent: as
 * many fields as the header (CSV), and field lengths that match the text. */
#include <assert.h>
#include <stdio.h>

#include "fuzz.h"
#include "util/record_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  uint8_t mode = data[0];
  FILE *f = fmemopen((void *)(data + 1), size - 1, "r");
  if (!f) return 0;
  static const size_t blocks[] = {0, 8, 13, 64};
  mi_reader_opts o = {.block_size = blocks[(mode >> 1) & 3],
                      .keep_apostrophe = (mode >> 3) & 1,
                      .max_field = 4096,
                      .max_record = 16384,
                      .max_columns = 64};
  mi_format fmt = (mode & 1) ? MI_FORMAT_JSONL : MI_FORMAT_CSV;
  mi_reader *r = NULL;
  mi_err e;
  if (mi_reader_fopen(f, "fuzz", fmt, &o, &r, &e) == 0) {
    const mi_record *rec;
    int rc;
    size_t rows = 0;
    while ((rc = mi_reader_next(r, &rec, &e)) != 0 && rows < 100000) {
      if (rc < 0) {
        if (mi_reader_failed(r)) break;
        continue; /* a bad record; the reader goes on with the next */
      }
      rows++;
      const char *const *names = NULL;
      size_t ncols = 0;
      assert(mi_reader_header(r, &names, &ncols) == 0);
      size_t n = mi_record_count(rec);
      if (fmt == MI_FORMAT_CSV) assert(n == ncols);
      else assert(n <= ncols);
      for (size_t i = 0; i < n; i++) {
        const char *v = mi_record_field(rec, i);
        if (v) assert(strlen(v) == mi_record_len(rec, i));
      }
      if (ncols) (void)mi_record_get(rec, names[0]);
    }
    mi_reader_close(r);
  }
  fclose(f);
  return 0;
}
