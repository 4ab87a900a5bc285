/* manyi stats: the column loader, options and output shared by the stats
 * subcommands (cmd_stats.c holds the table; stats_*.c the subcommands). */
#ifndef MI_CLI_STATS_CLI_H
#define MI_CLI_STATS_CLI_H

#include <jansson.h>
#include <stddef.h>

#include "cli/cli.h"
#include "stats/stats.h"
#include "util/err.h"

/* ---- column loader ---------------------------------------------------------- */

typedef enum { MI_STATS_NUMERIC, MI_STATS_TEXT } mi_stats_kind;

typedef struct mi_stats_column {
  char *name;
  mi_stats_kind kind;
  double *x;           /* NUMERIC: nrows values (0 where missing) */
  unsigned char *miss; /* nrows flags: 1 = missing (empty field or NA) */
  char **text;         /* TEXT: nrows strings, NULL where missing */
  size_t n_missing;
} mi_stats_column;

typedef struct mi_stats_data {
  char *file;
  size_t nrows, ncols;
  mi_stats_column *cols;
  long *line; /* physical line of each row, for messages */
} mi_stats_data;

/* Reads the named columns of the CSV (or JSONL) file at path in one pass.
 * names[i] is loaded as kinds[i]; a name may repeat (loaded once). Missing:
 * an absent or empty field or the text NA. A NUMERIC cell that is not a
 * number, or is infinite or NaN, is MI_EPARSE with file:line and the column
 * name. A column not in the header is MI_ENOTFOUND listing the columns.
 * Free *out with mi_stats_data_free. */
int mi_stats_load(const char *path, const char *const *names, const mi_stats_kind *kinds,
                  size_t n, mi_stats_data *out, mi_err *e);
void mi_stats_data_free(mi_stats_data *d);
/* The loaded column called name (NULL if not loaded). */
const mi_stats_column *mi_stats_data_col(const mi_stats_data *d, const char *name);

/* Levels of a TEXT column: distinct non-missing values sorted numerically if
 * all are numbers, else bytewise (as R's sort in the C locale); idx[i] is
 * the level of row i or MI_STATS_NO_GROUP. Owned by the caller: free each
 * level, the array, and idx. */
int mi_stats_levels(const mi_stats_column *c, size_t nrows, char ***levels, size_t *nlevels,
                    size_t **idx, mi_err *e);
void mi_stats_levels_free(char **levels, size_t n, size_t *idx);

/* Splits "a,b,c" into a new array of new strings (*out; free with
 * mi_stats_list_free). Empty items are an error. */
int mi_stats_split(const char *s, char ***out, size_t *n, mi_err *e);
void mi_stats_list_free(char **l, size_t n);

/* ---- subcommands -------------------------------------------------------------- */

#define MI_STATS_MAX_OPTS 16

typedef struct mi_stats_args {
  const char *sub;  /* subcommand name */
  const char *file; /* the positional FILE, or NULL */
  const char *names[MI_STATS_MAX_OPTS];
  const char *vals[MI_STATS_MAX_OPTS]; /* flags: "1" */
  size_t n;
  int usage; /* set by a subcommand when its error is a usage error (exit 2) */
} mi_stats_args;

/* Value of --name, or NULL. */
const char *mi_stats_opt(const mi_stats_args *a, const char *name);
/* Value of a required option; NULL with a usage error in e if absent. */
const char *mi_stats_need(mi_stats_args *a, const char *name, mi_err *e);
/* --name as a finite number in *v (def when absent); a usage error otherwise. */
int mi_stats_opt_num(mi_stats_args *a, const char *name, double def, double *v, mi_err *e);

/* Several numeric columns, complete cases only. */
typedef struct mi_stats_matrix {
  mi_stats_data d;
  char **names; /* k column names (the list as given) */
  size_t k, n;  /* n complete cases */
  double *x;    /* column-major n x k */
} mi_stats_matrix;

/* Loads the columns listed in option `opt` (prefixed by `first` if non-NULL)
 * and keeps the rows where all are present. A usage error if the option is
 * absent or names a column twice. Free *m with mi_stats_matrix_free (also on
 * failure). */
int mi_stats_load_matrix(mi_stats_args *a, const char *opt, const char *first,
                         mi_stats_matrix *m, mi_err *e);
void mi_stats_matrix_free(mi_stats_matrix *m);

typedef struct mi_stats_sub {
  const char *name;
  const char *summary;
  const char *options; /* space-separated: "col conf weight" ; a trailing '!' marks a flag */
  int needs_file;
  const char *help;    /* full text for `manyi stats NAME --help` */
  json_t *(*run)(mi_stats_args *a, mi_err *e); /* the result, or NULL with e set */
} mi_stats_sub;

json_t *mi_stats_run_describe(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_mean(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_prop(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_nps(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_sample_size(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_ttest(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_anova(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_kruskal(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_mannwhitney(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_chisq(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_alpha(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_corr(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_regress(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_drivers(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_pca(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_kmeans(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_index(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_km(mi_stats_args *a, mi_err *e);
json_t *mi_stats_run_trend(mi_stats_args *a, mi_err *e);

/* If e's message starts with "WORD N" (N 1-based), puts names[N-1] in quotes
 * in place of N: "item 3 has ..." -> "item 'q_price' has ...". */
void mi_stats_err_name(mi_err *e, const char *word, const char *const *names, size_t n);

/* ---- JSON helpers ------------------------------------------------------------ */

/* A JSON number, or null when x is not finite (NaN: undefined for the data). */
json_t *mi_stats_jnum(double x);
/* Sets key of o to mi_stats_jnum(x) / an integer. */
void mi_stats_jset(json_t *o, const char *key, double x);
void mi_stats_jset_n(json_t *o, const char *key, size_t n);

#endif
