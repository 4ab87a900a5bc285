/* manyi stats NAME FILE [OPTIONS]: survey statistics on the columns of a CSV
 * file. The statistics are data (core/analysis/catalog.c): name, options,
 * help and the function that returns the result as JSON. Text output is
 * rendered from that same JSON, so the two can never disagree. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "cli/cli.h"
#include "util/i18n.h"

static void usage(FILE *out) {
  fputs(_("Usage: manyi [--json] stats NAME [FILE] [OPTIONS]\n\n"
          "Survey statistics on the columns of a CSV file. 'manyi stats NAME --help'\n"
          "describes one.\n\nStatistics:\n"),
        out);
  /* the catalogue's texts are in po/manyi.pot through `manyi --pot` (doc.c) */
  for (const mi_analysis_sub *s = mi_analysis_subs; s->name; s++)
    fprintf(out, "  %-12s %s\n", s->name, mi_tr(s->summary));
}

/* ---- text rendering of the JSON result --------------------------------------- */

static void print_value(const json_t *v) {
  if (json_is_integer(v)) printf("%lld", (long long)json_integer_value(v));
  else if (json_is_real(v)) printf("%.6g", json_real_value(v));
  else if (json_is_string(v)) printf("%s", json_string_value(v));
  else if (json_is_null(v)) printf("-");
  else if (json_is_true(v)) printf("true");
  else if (json_is_false(v)) printf("false");
  else if (json_is_array(v)) {
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x) {
      if (i) printf(json_is_object(x) ? "\n                 " : ", ");
      print_value(x);
    }
  } else if (json_is_object(v)) {
    const char *k;
    const json_t *x;
    int first = 1;
    json_object_foreach((json_t *)v, k, x) {
      printf("%s%s ", first ? "" : "  ", k);
      print_value(x);
      first = 0;
    }
  } else printf("...");
}

static int all_objects(const json_t *o) {
  const char *k;
  const json_t *v;
  if (!json_object_size(o)) return 0;
  json_object_foreach((json_t *)o, k, v) if (!json_is_object(v)) return 0;
  return 1;
}

static void print_text(const json_t *r) {
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)r, k, v) {
    if (json_is_object(v)) continue;
    printf("%s ", mi_cli_cell(k, -16));
    print_value(v);
    putchar('\n');
  }
  json_object_foreach((json_t *)r, k, v) {
    if (!json_is_object(v)) continue;
    printf("\n%s:\n", k);
    if (!all_objects(v)) {
      const char *k2;
      const json_t *v2;
      json_object_foreach((json_t *)v, k2, v2) {
        printf("  %s ", mi_cli_cell(k2, -24)); /* a level: Chinese in Chinese data */
        print_value(v2);
        putchar('\n');
      }
      continue;
    }
    /* a table: rows = keys, columns = the keys of the first row; cut and padded
     * by display width, as names and levels from the data may be Chinese */
    const char *k2, *c;
    const json_t *row, *cell;
    json_t *first = json_object_iter_value(json_object_iter((json_t *)v));
    printf("  %-24s", "");
    json_object_foreach(first, c, cell) printf(" %s", mi_cli_cell_cut(c, 12));
    putchar('\n');
    json_object_foreach((json_t *)v, k2, row) {
      printf("  %s", mi_cli_cell_cut(k2, -24));
      json_object_foreach(first, c, cell) {
        const json_t *x = json_object_get(row, c);
        if (json_is_real(x)) printf(" %12.6g", json_real_value(x));
        else if (json_is_integer(x)) printf(" %12lld", (long long)json_integer_value(x));
        else if (json_is_string(x)) printf(" %s", mi_cli_cell(json_string_value(x), 12));
        else printf(" %12s", "-");
      }
      putchar('\n');
    }
  }
}

/* ---- the command ---------------------------------------------------------------- */

static int run(mi_cli *cli, int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    usage(stdout);
    return 0;
  }
  const mi_analysis_sub *s = mi_analysis_find(argv[1]);
  if (!s) return mi_cli_usage_error("stats", "unknown statistic '%s'", argv[1]);
  mi_analysis_args a = {.sub = s->name};
  int json = cli->json;
  for (int i = 2; i < argc; i++) {
    const char *arg = argv[i];
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(mi_tr(s->help), stdout);
      return 0;
    }
  }
  for (int i = 2; i < argc; i++) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2) || !arg[2]) {
      if (!strcmp(arg, "--")) arg = ++i < argc ? argv[i] : NULL;
      if (!arg) break;
      if (a.file || !s->needs_file)
        return mi_cli_usage_error("stats", "%s: unexpected argument '%s'", s->name, arg);
      a.file = arg;
      continue;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    if (len == 4 && !strncmp(name, "json", 4) && !eq) {
      json = 1;
      continue;
    }
    int kind = mi_analysis_option_kind(s, name, len);
    if (!kind) {
      char list[256];
      mi_analysis_option_list(s, 0, list, sizeof list);
      return mi_cli_usage_error("stats", "%s: unknown option '--%.*s' (options: %s)", s->name,
                                (int)len, name, list);
    }
    if (a.n == MI_ANALYSIS_MAX_OPTS)
      return mi_cli_usage_error("stats", "%s: too many options", s->name);
    static char names[MI_ANALYSIS_MAX_OPTS][32];
    snprintf(names[a.n], sizeof names[a.n], "%.*s", (int)len, name);
    if (mi_analysis_opt(&a, names[a.n]))
      return mi_cli_usage_error("stats", "%s: --%s given twice", s->name, names[a.n]);
    const char *val;
    if (kind == 2) {
      if (eq) return mi_cli_usage_error("stats", "%s: --%s takes no value", s->name, names[a.n]);
      val = "1";
    } else if (eq) {
      val = eq + 1;
    } else if (i + 1 < argc) {
      val = argv[++i];
    } else {
      return mi_cli_usage_error("stats", "%s: --%s needs a value", s->name, names[a.n]);
    }
    a.names[a.n] = names[a.n];
    a.vals[a.n++] = val;
  }
  if (s->needs_file && !a.file)
    return mi_cli_usage_error("stats", "%s: give a FILE (a CSV with a header row)", s->name);
  mi_err e = {0};
  json_t *r = s->run(&a, &e);
  if (!r) {
    if (a.usage) return mi_cli_usage_error("stats", "%s: %s", s->name, e.msg);
    return mi_cli_fail(&e);
  }
  if (json) {
    mi_cli_print_json(r);
    return 0;
  }
  print_text(r);
  json_decref(r);
  return 0;
}

const mi_cli_command mi_cmd_stats = {
    "stats", "survey statistics on a CSV file (describe, nps, ttest, ...)",
    "Usage: manyi [--json] stats NAME [FILE] [OPTIONS]; 'manyi stats --help' lists them\n",
    run, 1, NULL};
