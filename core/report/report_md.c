/* The satisfaction report as Markdown: the tables of report_tables.c. */
#include <errno.h>
#include <string.h>

#include "report/report.h"
#include "util/i18n.h"

/* Text in a Markdown table cell or paragraph: '|' and HTML's specials
 * escaped (a renderer passes raw HTML through), line breaks as spaces. */
static void put(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '|': fputs("\\|", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '\n': case '\r': fputc(' ', f); break;
    default: fputc(*s, f);
    }
  }
}

static void table(FILE *f, const json_t *t) {
  const json_t *c, *r;
  size_t i, j;
  fputs("**", f);
  put(f, json_string_value(json_object_get(t, "caption")));
  fputs("**\n\n|", f);
  json_array_foreach(json_object_get(t, "columns"), i, c) {
    fputc(' ', f), put(f, json_string_value(c)), fputs(" |", f);
  }
  fputs("\n|", f);
  json_array_foreach(json_object_get(t, "columns"), i, c) fputs(i ? " ---: |" : " --- |", f);
  fputc('\n', f);
  json_array_foreach(json_object_get(t, "rows"), i, r) {
    fputc('|', f);
    json_array_foreach(r, j, c) { fputc(' ', f), put(f, json_string_value(c)), fputs(" |", f); }
    fputc('\n', f);
  }
  fputc('\n', f);
}

int mi_report_write_md(const json_t *doc, FILE *f, mi_err *e) {
  const json_t *p = json_object_get(doc, "period");
  fputs("# ", f);
  put(f, _("Satisfaction report"));
  fputs(" ", f);
  put(f, json_string_value(json_object_get(p, "label")));
  fputs(": ", f);
  put(f, mi_report_name(doc, "surveys", json_string_value(json_object_get(doc, "survey"))));
  fputs(" (", f);
  put(f, json_string_value(json_object_get(doc, "survey")));
  fputs(")\n\n", f);
  fprintf(f, _("Period %s to %s (end exclusive), generated %s by manyi."),
          json_string_value(json_object_get(p, "from")), json_string_value(json_object_get(p, "to")),
          json_string_value(json_object_get(doc, "generated_at")));
  fputs("\n\n", f);
  json_t *sections = mi_report_tables(doc), *s, *v;
  size_t i, j;
  json_array_foreach(sections, i, s) {
    fputs("## ", f);
    put(f, json_string_value(json_object_get(s, "title")));
    fputs("\n\n", f);
    json_array_foreach(json_object_get(s, "tables"), j, v) table(f, v);
    json_array_foreach(json_object_get(s, "notes"), j, v) {
      put(f, json_string_value(v));
      fputs("\n\n", f);
    }
  }
  json_decref(sections);
  if (ferror(f)) return mi_err_set(e, MI_EIO, "writing the report: %s", strerror(errno));
  return 0;
}
