/* The format-independent part of the record writer (record_writer.h):
 * checks columns and values, then writes each encoded row in one fwrite. */
#include "util/record_writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"
#include "util/writer_impl.h"

struct mi_writer {
  FILE *f;
  mi_format fmt;
  char **cols;
  size_t n;
  size_t count;
  mi_strbuf row; /* reused for every row */
  int io_error;  /* errno of the first failed write, or -1 */
};

static void free_writer(mi_writer *w) {
  for (size_t i = 0; i < w->n; i++) free(w->cols[i]);
  free(w->cols);
  mi_strbuf_free(&w->row);
  free(w);
}

static int emit(mi_writer *w, mi_err *e) {
  errno = 0;
  if (fwrite(w->row.data, 1, w->row.len, w->f) != w->row.len) {
    if (!w->io_error) w->io_error = errno ? errno : -1;
    return mi_err_set(e, MI_EIO, "cannot write: %s",
                      w->io_error > 0 ? strerror(w->io_error) : "write error");
  }
  return 0;
}

int mi_writer_open(FILE *f, mi_format fmt, const char *const *columns, size_t n,
                   mi_writer **out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "mi_writer_open: no output pointer");
  *out = NULL;
  if (!f) return mi_err_set(e, MI_EINVAL, "mi_writer_open: no stream");
  if (fmt != MI_FORMAT_CSV && fmt != MI_FORMAT_JSONL)
    return mi_err_set(e, MI_EINVAL, "mi_writer_open: the format must be csv or jsonl");
  if (!columns || n == 0) return mi_err_set(e, MI_EINVAL, "mi_writer_open: no columns given");
  for (size_t i = 0; i < n; i++) {
    if (!columns[i] || !columns[i][0])
      return mi_err_set(e, MI_EINVAL, "column %zu has no name", i + 1);
    if (mi_text_utf8_check(columns[i], strlen(columns[i]), NULL, e)) {
      mi_err_prefix(e, "column %zu", i + 1);
      return MI_EINVAL;
    }
    for (size_t k = 0; k < i; k++)
      if (strcmp(columns[k], columns[i]) == 0)
        return mi_err_set(e, MI_EINVAL, "column '%s' is given twice (columns %zu and %zu)",
                          columns[i], k + 1, i + 1);
  }
  mi_writer *w = calloc(1, sizeof *w);
  if (!w || !(w->cols = calloc(n, sizeof *w->cols))) {
    free(w);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  w->f = f;
  w->fmt = fmt;
  for (; w->n < n; w->n++)
    if (!(w->cols[w->n] = strdup(columns[w->n]))) {
      free_writer(w);
      return mi_err_set(e, MI_ENOMEM, "out of memory");
    }
  if (fmt == MI_FORMAT_CSV) {
    if (mi_csv_encode_row(&w->row, (const char *const *)w->cols, n)) {
      free_writer(w);
      return mi_err_set(e, MI_ENOMEM, "out of memory");
    }
    int rc = emit(w, e);
    if (rc) {
      free_writer(w);
      return rc;
    }
  }
  *out = w;
  return 0;
}

int mi_writer_row(mi_writer *w, const char *const *values, mi_err *e) {
  if (!w || !values) return mi_err_set(e, MI_EINVAL, "mi_writer_row: bad arguments");
  for (size_t i = 0; i < w->n; i++) {
    size_t bad;
    if (values[i] && mi_text_utf8_check(values[i], strlen(values[i]), &bad, e)) {
      mi_err_prefix(e, "row %zu, column '%s'", w->count + 1, w->cols[i]);
      return MI_EINVAL;
    }
  }
  mi_strbuf_reset(&w->row);
  int rc = w->fmt == MI_FORMAT_CSV
               ? mi_csv_encode_row(&w->row, values, w->n)
               : mi_jsonl_encode_row(&w->row, (const char *const *)w->cols, values, w->n);
  if (rc) return mi_err_set(e, MI_ENOMEM, "out of memory");
  rc = emit(w, e);
  if (rc) return rc;
  w->count++;
  return 0;
}

size_t mi_writer_count(const mi_writer *w) { return w ? w->count : 0; }

int mi_writer_close(mi_writer *w, mi_err *e) {
  if (!w) return 0;
  int rc = 0;
  if (fflush(w->f) != 0 && !w->io_error) w->io_error = errno ? errno : -1;
  if (w->io_error || ferror(w->f))
    rc = mi_err_set(e, MI_EIO, "writing failed: %s",
                    w->io_error > 0 ? strerror(w->io_error) : "write error");
  free_writer(w);
  return rc;
}
