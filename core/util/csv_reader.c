/* CSV input for mi_reader (RFC 4180 via libcsv in strict mode).
 *
 * libcsv's callbacks do not say where in the input a field ends, so the
 * data is fed to it one physical line at a time (pieces that end at a CR or
 * LF, or at the end of a block): whatever libcsv reports during a piece
 * happened on that piece's line. That gives exact line numbers for records
 * and fields, and byte columns for errors, at the cost of one csv_parse
 * call per line. Fields are copied into the record's arena, which is
 * reused from record to record: no allocation per field or per row. */
#include <csv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/reader_impl.h"

/* libcsv's parser states (csv.c); only "inside a field" matters here. */
enum { CSV_FIELD_BEGUN = 2 };

typedef struct csv_state {
  struct csv_parser p;
  mi_reader *r;
  int header_done;
  int in_record; /* bytes of a record were fed and its end not yet seen */
  int row_done;  /* set by on_row during a piece */
  int last_cr;   /* a block ended with CR: an LF next is the rest of CRLF */
  long field_line; /* line where the current field began; 0 = not begun */
  long blank_line; /* first blank line since the last record; 0 = none */
  size_t col;      /* bytes consumed on the current line */
  size_t rec_bytes;
  int too_many, too_big, nomem;
  size_t big_field;
  int bad; /* a record-level problem, reported when the record ends */
  mi_err bad_err;
} csv_state;

/* Nothing counts as a space: libcsv would otherwise trim unquoted fields. */
static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

static void on_field(void *s, size_t n, void *data) {
  csv_state *c = data;
  mi_reader *r = c->r;
  mi_record *rec = &r->rec;
  long line = c->field_line ? c->field_line : r->line;
  c->field_line = 0;
  if (c->too_many || c->too_big || c->nomem) return;
  if (rec->n >= r->max_columns) {
    c->too_many = 1;
    return;
  }
  if (n > r->max_field) {
    c->too_big = 1;
    c->big_field = rec->n;
    return;
  }
  if (mi_rec_add(rec, s, n, line)) {
    c->nomem = 1;
    return;
  }
  if (s && n && *(const char *)s == '\'' && !r->keep_apostrophe) {
    size_t i = rec->n - 1;
    const char *f = rec->arena.data + rec->off[i];
    if (mi_text_unneutralize(f) != f) rec->off[i]++, rec->len[i]--;
  }
}

static void on_row(int ch, void *data) {
  (void)ch;
  ((csv_state *)data)->row_done = 1;
}

static void mark_bad(csv_state *c, long line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void mark_bad(csv_state *c, long line, size_t col, const char *fmt, ...) {
  if (c->bad) return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->bad = 1;
  mi_reader_bad(c->r, &c->bad_err, MI_EPARSE, line, (int)col, "%s", msg);
}

/* Errors noted by the callbacks, checked after each piece. */
static int callback_errors(mi_reader *r, csv_state *c, mi_err *e) {
  char nb[32];
  if (c->nomem) return mi_reader_fatal(r, e, MI_ENOMEM, r->rec.line, 0, "out of memory");
  if (c->too_many)
    return mi_reader_fatal(r, e, MI_EPARSE, r->rec.line, 0,
                           "record has more than %zu fields (the limit)", r->max_columns);
  if (c->too_big || c->p.entry_pos > r->max_field + 1) /* +1: a closing quote */ {
    size_t i = c->too_big ? c->big_field : r->rec.n;
    long line = c->too_big ? mi_record_field_line(&r->rec, i)
                           : (c->field_line ? c->field_line : r->line);
    return mi_reader_fatal(r, e, MI_EPARSE, line, 0,
                           "field '%s' is longer than %zu bytes (the limit)",
                           mi_reader_colname(r, i, nb), r->max_field);
  }
  return 0;
}

/* Feeds one piece (never longer than one physical line) to libcsv. */
static int feed(mi_reader *r, csv_state *c, const char *b, size_t n, mi_err *e) {
  if (!c->bad) {
    size_t at;
    const char *nul;
    if (mi_text_utf8_check(b, n, &at, NULL)) {
      char what[80];
      mi_text_utf8_describe(b + at, n - at, what, sizeof what);
      mark_bad(c, r->line, c->col + at + 1,
               "invalid UTF-8: %s; if the file is not UTF-8, read it with its encoding", what);
    } else if ((nul = memchr(b, '\0', n))) {
      mark_bad(c, r->line, c->col + (size_t)(nul - b) + 1, "NUL byte in the text");
    } else if (c->col == 0 && !c->field_line && r->line > 1 && n >= 3 &&
               !memcmp(b, "\xEF\xBB\xBF", 3)) {
      /* Only a file's first line may start with one (the source drops it);
       * kept, it would become part of the first field's value. */
      mark_bad(c, r->line, 1, "a byte order mark (U+FEFF) starts this line: were files joined "
               "together? remove it (or the header repeated with it)");
    }
  }
  c->rec_bytes += n;
  if (c->rec_bytes > r->max_record)
    return mi_reader_fatal(r, e, MI_EPARSE, r->rec.line, 0,
                           "record is longer than %zu bytes (the limit); is a quote "
                           "missing its closing quote?",
                           r->max_record);
  size_t done = csv_parse(&c->p, b, n, on_field, on_row, c);
  if (done < n) {
    if (csv_error(&c->p) == CSV_EPARSE)
      return mi_reader_fatal(r, e, MI_EPARSE, r->line, (int)(c->col + done + 1),
                             "malformed quotes: a quote inside an unquoted field, or text "
                             "after a closing quote (enclose such a field in quotes and "
                             "double the quotes inside it: \"say \"\"hi\"\"\")");
    return mi_reader_fatal(r, e, MI_ENOMEM, r->line, 0, "out of memory");
  }
  int rc = callback_errors(r, c, e);
  if (rc) return rc;
  if (!c->field_line && c->p.pstate >= CSV_FIELD_BEGUN) c->field_line = r->line;
  return 0;
}

static int at_eof(mi_reader *r, csv_state *c, mi_err *e) {
  if (!c->in_record) return 0;
  c->in_record = 0;
  if (csv_fini(&c->p, on_field, on_row, c) != 0) {
    long fl = c->field_line ? c->field_line : r->line;
    return mi_reader_fatal(r, e, MI_EPARSE, fl, 0,
                           "quoted field is not closed: the quote opened on line %ld runs to "
                           "the end of the file (quotes inside a field must be doubled)",
                           fl);
  }
  c->row_done = 0;
  int rc = callback_errors(r, c, e);
  return rc ? rc : 1;
}

/* Starts a record at the current line, or reports a blank line before it. */
static int begin_record(mi_reader *r, csv_state *c, mi_err *e) {
  if (c->blank_line) {
    long bl = c->blank_line;
    c->blank_line = 0;
    return mi_reader_bad(r, e, MI_EPARSE, bl, 0,
                         "blank line %s: remove it (blank lines are ignored only at the end "
                         "of the file)",
                         c->header_done ? "between records" : "before the header");
  }
  c->in_record = 1;
  c->bad = 0;
  c->rec_bytes = 0;
  c->field_line = 0;
  mi_rec_reset(&r->rec, r->line);
  return 0;
}

/* Reads the next row, header included, into r->rec: 1, 0 at the end, <0. */
static int read_row(mi_reader *r, csv_state *c, mi_err *e) {
  mi_rsrc *s = &r->src;
  for (;;) {
    if (s->pos == s->len) {
      mi_err fe;
      mi_err_clear(&fe);
      int rc = mi_rsrc_fill(s, &fe);
      if (rc < 0) return mi_reader_fatal(r, e, rc, r->line, (int)c->col + 1, "%s", fe.msg);
      if (rc == 0) return at_eof(r, c, e);
    }
    const char *b = s->buf + s->pos;
    size_t avail = s->len - s->pos;
    if (c->last_cr) {
      c->last_cr = 0;
      if (b[0] == '\n') { /* the LF of a CRLF split between two blocks */
        s->pos++;
        int rc = c->in_record ? feed(r, c, b, 1, e) : 0;
        if (rc) return rc;
        continue;
      }
    }
    /* The piece: up to and including the first CR, LF or CRLF. */
    const char *nl = memchr(b, '\n', avail);
    size_t lim = nl ? (size_t)(nl - b) : avail;
    const char *cr = memchr(b, '\r', lim);
    size_t body, n;
    int brk = 1;
    if (cr) {
      body = (size_t)(cr - b);
      n = body + 1;
      if (n < avail && b[n] == '\n') n++;
    } else if (nl) {
      body = lim;
      n = lim + 1;
    } else {
      body = n = avail;
      brk = 0;
    }
    if (!c->in_record) {
      if (body == 0) { /* a blank line */
        long bl = r->line;
        s->pos += n;
        r->line++;
        c->col = 0;
        c->last_cr = n == 1 && *b == '\r' && s->pos == s->len;
        if (c->header_done && r->ncols == 1) {
          /* In a one-column file a blank line is a row with the field absent. */
          mi_rec_reset(&r->rec, bl);
          if (mi_rec_add(&r->rec, NULL, 0, bl))
            return mi_reader_fatal(r, e, MI_ENOMEM, bl, 0, "out of memory");
          return 1;
        }
        if (!c->blank_line) c->blank_line = bl;
        continue;
      }
      int rc = begin_record(r, c, e);
      if (rc) return rc;
    }
    int rc = feed(r, c, b, n, e);
    if (rc) return rc;
    s->pos += n;
    if (brk) {
      r->line++;
      c->col = 0;
      c->last_cr = b[n - 1] == '\r' && s->pos == s->len;
    } else {
      c->col += n;
    }
    if (c->row_done) {
      c->row_done = 0;
      c->in_record = 0;
      return 1;
    }
  }
}

static int csv_next(mi_reader *r, mi_err *e) {
  csv_state *c = r->impl;
  int rc = read_row(r, c, e);
  if (rc != 1) return rc;
  if (c->bad) {
    if (e) *e = c->bad_err;
    return c->bad_err.code;
  }
  if (r->rec.n != r->ncols)
    return mi_reader_bad(r, e, MI_EPARSE, r->rec.line, 0,
                         "expected %zu fields (as in the header), got %zu%s", r->ncols,
                         r->rec.n,
                         r->rec.n > r->ncols ? ": is a field with a comma not quoted?" : "");
  return 1;
}

/* "a, b, c" (shortened) for messages about columns. */
static void list_columns(char *const *names, size_t n, char *out, size_t size) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n && used + 8 < size; i++) {
    int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", names[i]);
    if (w < 0 || (size_t)w >= size - used) {
      snprintf(out + (size > 4 ? size - 4 : 0), 4, "...");
      return;
    }
    used += (size_t)w;
  }
}

static int check_expected(mi_reader *r, long line, mi_err *e) {
  char list[400];
  for (size_t i = 0; i < r->nexpect; i++)
    if (mi_reader_find(r, r->expect[i], strlen(r->expect[i])) < 0) {
      list_columns(r->cols, r->ncols, list, sizeof list);
      return mi_reader_fatal(r, e, MI_EPARSE, line, 0,
                             "missing column '%s' (the header has: %s)", r->expect[i], list);
    }
  if (!r->nexpect || r->allow_extra) return 0;
  for (size_t i = 0; i < r->ncols; i++) {
    size_t k = 0;
    while (k < r->nexpect && strcmp(r->expect[k], r->cols[i]) != 0) k++;
    if (k == r->nexpect) {
      list_columns(r->expect, r->nexpect, list, sizeof list);
      return mi_reader_fatal(r, e, MI_EPARSE, line, 0,
                             "unexpected column '%s' (the columns are: %s)", r->cols[i], list);
    }
  }
  return 0;
}

static int take_header(mi_reader *r, csv_state *c, mi_err *e) {
  mi_record *rec = &r->rec;
  mi_rec_finish(rec);
  for (size_t i = 0; i < rec->n; i++) {
    const char *v = rec->val[i];
    if (!v || !*v)
      return mi_reader_fatal(r, e, MI_EPARSE, rec->line, 0,
                             "column %zu of the header has no name", i + 1);
    int rc = mi_reader_add_column(r, v, rec->len[i], NULL);
    if (rc == MI_EEXIST)
      return mi_reader_fatal(r, e, MI_EPARSE, rec->line, 0,
                             "column '%s' appears twice in the header (columns %ld and %zu)",
                             v, mi_reader_find(r, v, rec->len[i]) + 1, i + 1);
    if (rc) return mi_reader_fatal(r, e, rc, rec->line, 0, "out of memory");
  }
  c->header_done = 1;
  return check_expected(r, rec->line, e);
}

static int csv_start(mi_reader *r, mi_err *e) {
  csv_state *c = calloc(1, sizeof *c);
  if (!c) return mi_err_set(e, MI_ENOMEM, "out of memory");
  r->impl = c;
  c->r = r;
  if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL))
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  csv_set_space_func(&c->p, no_space);
  csv_set_blk_size(&c->p, 16 * 1024);
  int rc = read_row(r, c, e);
  if (rc == 0)
    return mi_reader_fatal(r, e, MI_EPARSE, 1, 0,
                           "the file is empty: a CSV file starts with a header row that names "
                           "the columns");
  if (rc < 0) return rc;
  if (c->bad) {
    if (e) *e = c->bad_err;
    return c->bad_err.code;
  }
  return take_header(r, c, e);
}

static void csv_free_state(mi_reader *r) {
  csv_state *c = r->impl;
  if (!c) return;
  csv_free(&c->p);
  free(c);
  r->impl = NULL;
}

const mi_reader_ops mi_csv_reader_ops = {csv_start, csv_next, csv_free_state};
