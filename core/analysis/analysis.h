/* mi_analysis: named statistics over a table of rows, with options, answered
 * as JSON. It sits between the pure math (core/stats) and its two front
 * ends: `manyi stats NAME FILE --opt v` (core/cli/cmd_stats.c) and
 * manyi.stats.NAME(rows, {opt = v}) in Lua (core/policy/bind_stats.c), so
 * both read options, check input and name fields the same way.
 * catalog.c holds the list of statistics; load.c reads columns from a
 * CSV/JSONL file or from rows in memory; the other files compute. */
#ifndef MI_ANALYSIS_ANALYSIS_H
#define MI_ANALYSIS_ANALYSIS_H

#include <jansson.h>
#include <stddef.h>

#include "stats/stats.h"
#include "util/err.h"
#include "util/textset.h"

/* ---- input: rows in memory ----------------------------------------------------- */

typedef enum { MI_ANALYSIS_NIL, MI_ANALYSIS_NUM, MI_ANALYSIS_STR } mi_analysis_cell_kind;
typedef struct mi_analysis_cell {
  mi_analysis_cell_kind kind;
  double num;      /* NUM */
  const char *str; /* STR: UTF-8 text, read like a CSV field ("", "NA" = missing) */
} mi_analysis_cell;

/* Rows given by a program instead of a file (the Lua rows of manyi.stats).
 * A NUM cell read as text (a group level) is written in the shortest %g
 * form that reads back the same (2 -> "2", 0.1 -> "0.1"). */
typedef struct mi_analysis_table {
  const char *name; /* stands for the file name in messages, e.g. "rows" */
  size_t nrows, ncols;
  const char *const *cols;       /* ncols distinct column names */
  const mi_analysis_cell *cells; /* row-major: cells[row * ncols + col] */
} mi_analysis_table;

/* ---- column loader ---------------------------------------------------------- */

typedef enum { MI_ANALYSIS_NUMERIC, MI_ANALYSIS_TEXT } mi_analysis_kind;

typedef struct mi_analysis_column {
  char *name;
  mi_analysis_kind kind;
  double *x;           /* NUMERIC: nrows values (0 where missing) */
  unsigned char *miss; /* nrows flags: 1 = missing (empty field or NA) */
  char **text;         /* TEXT: nrows strings, NULL where missing; equal texts are one
                          string of the pool */
  size_t n_missing;
  mi_textset pool;     /* private: owns the texts, each distinct one once */
} mi_analysis_column;

typedef struct mi_analysis_data {
  char *file;
  size_t nrows, ncols;
  mi_analysis_column *cols;
  long *line; /* physical line of each row (the row number for a table), for messages */
} mi_analysis_data;

typedef struct mi_analysis_args mi_analysis_args;

/* Population totals of a raking variable given in memory (Lua), read as a
 * margins file: rows->cols are "level" and "count". */
typedef struct mi_analysis_margin_rows {
  const char *var;
  const mi_analysis_table *rows;
} mi_analysis_margin_rows;

/* Reads the named columns of a->table if set, else of the CSV (or JSONL)
 * file a->file, in one pass. names[i] is loaded as kinds[i]; a name may
 * repeat (loaded once). Missing: an absent or empty field or the text NA. A
 * NUMERIC cell that is not a number, or is infinite or NaN, is MI_EPARSE
 * with file:line and the column name. A column not in the header is
 * MI_ENOTFOUND listing the columns. Free *out with mi_analysis_data_free. */
int mi_analysis_load(const mi_analysis_args *a, const char *const *names,
                     const mi_analysis_kind *kinds, size_t n, mi_analysis_data *out, mi_err *e);
void mi_analysis_data_free(mi_analysis_data *d);
/* The loaded column called name (NULL if not loaded). */
const mi_analysis_column *mi_analysis_data_col(const mi_analysis_data *d, const char *name);

/* Levels of a TEXT column: distinct non-missing values sorted numerically if
 * all are numbers, else bytewise (as R's sort in the C locale); idx[i] is
 * the level of row i or MI_STATS_NO_GROUP. Owned by the caller: free each
 * level, the array, and idx. */
int mi_analysis_levels(const mi_analysis_column *c, size_t nrows, char ***levels, size_t *nlevels,
                    size_t **idx, mi_err *e);
void mi_analysis_levels_free(char **levels, size_t n, size_t *idx);

/* Splits "a,b,c" into a new array of new strings (*out; free with
 * mi_analysis_list_free). Empty items are an error. */
int mi_analysis_split(const char *s, char ***out, size_t *n, mi_err *e);
void mi_analysis_list_free(char **l, size_t n);

/* ---- subcommands -------------------------------------------------------------- */

#define MI_ANALYSIS_MAX_OPTS 16

struct mi_analysis_args {
  const char *sub;  /* subcommand name */
  const char *file; /* the positional FILE, or NULL; with a table, the table's name */
  const mi_analysis_table *table; /* rows in memory instead of a file, or NULL */
  const char *names[MI_ANALYSIS_MAX_OPTS];
  const char *vals[MI_ANALYSIS_MAX_OPTS]; /* flags: "1" */
  size_t n;
  int usage; /* set by a subcommand when its error is a usage error (exit 2) */
  /* --by: one flag per source row, 1 = the row is in the group being
   * computed; NULL = every row. Set by mi_analysis_by; a statistic honours
   * it by calling mi_analysis_domain on its column after loading. */
  const unsigned char *domain;
  /* rake: the margins of --margin / --poststratify given in memory instead
   * of VAR=FILE (the option's text is then not read); NULL otherwise */
  const mi_analysis_margin_rows *margins;
  size_t nmargins;
};

/* Value of --name, or NULL. */
const char *mi_analysis_opt(const mi_analysis_args *a, const char *name);
/* Value of a required option; NULL with a usage error in e if absent. */
const char *mi_analysis_need(mi_analysis_args *a, const char *name, mi_err *e);
/* --name as a finite number in *v (def when absent); a usage error otherwise. */
int mi_analysis_opt_num(mi_analysis_args *a, const char *name, double def, double *v, mi_err *e);

/* Makes the values of c (a column of d, loaded with a) missing in the rows
 * outside a->domain and returns the number of those rows, so the caller can
 * take them out of n_missing (which then counts the group's own rows). Rows stay loaded, so a design
 * keeps all its strata and PSUs (R's svyby subsets the design, it does not
 * drop it): domain estimation. 0 when a->domain is NULL. */
size_t mi_analysis_domain(const mi_analysis_args *a, mi_analysis_data *d,
                          const mi_analysis_column *c);

/* run(a) on all rows; with --by G also on the rows of each level of G
 * (a->domain set, "by" taken out of the options), answered as the overall
 * object plus groups {level: the same fields} (levels as mi_analysis_levels;
 * rows with a missing G count overall only). An error in a group is
 * prefixed with "--by G, level 'L': ". For statistics whose run honours
 * a->domain (describe, mean). */
json_t *mi_analysis_by(mi_analysis_args *a, json_t *(*run)(mi_analysis_args *, mi_err *),
                       mi_err *e);

/* Names the group of --by G in an error of one group's computation:
 * "--by G, level 'L': ...", with "no values: all N rows are missing" (N
 * counts the whole file) made "no values in this group". */
void mi_analysis_group_err(mi_err *e, const char *by, const char *level);

/* Several numeric columns, complete cases only. */
typedef struct mi_analysis_matrix {
  mi_analysis_data d;
  char **names; /* k column names (the list as given) */
  size_t k, n;  /* n complete cases */
  double *x;    /* column-major n x k */
} mi_analysis_matrix;

/* Loads the columns listed in option `opt` (prefixed by `first` if non-NULL)
 * and keeps the rows where all are present. A usage error if the option is
 * absent or names a column twice. Free *m with mi_analysis_matrix_free (also on
 * failure). */
int mi_analysis_load_matrix(mi_analysis_args *a, const char *opt, const char *first,
                         mi_analysis_matrix *m, mi_err *e);
void mi_analysis_matrix_free(mi_analysis_matrix *m);

typedef struct mi_analysis_sub {
  const char *name;
  const char *summary;
  const char *options; /* space-separated: "col conf weight" ; a trailing '!' marks a flag */
  int needs_file;
  const char *help;    /* full text for `manyi stats NAME --help` */
  json_t *(*run)(mi_analysis_args *a, mi_err *e); /* the result, or NULL with e set */
} mi_analysis_sub;

/* The statistics, in the order help lists them, ended by {NULL}. */
extern const mi_analysis_sub mi_analysis_subs[];
/* The statistic called name, or NULL. */
const mi_analysis_sub *mi_analysis_find(const char *name);
/* s's options as people read them: space-separated, flags without their
 * marker; with lua, "lonely_psu" for "lonely-psu" (the Lua key). */
void mi_analysis_option_list(const mi_analysis_sub *s, int lua, char *buf, size_t size);
/* Is name[0..len) one of s's options: 1 takes a value, 2 a flag, 0 unknown. */
int mi_analysis_option_kind(const mi_analysis_sub *s, const char *name, size_t len);

json_t *mi_analysis_run_describe(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_mean(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_prop(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_nps(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_sample_size(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_ttest(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_anova(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_kruskal(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_mannwhitney(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_chisq(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_alpha(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_corr(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_regress(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_drivers(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_pca(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_kmeans(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_index(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_km(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_trend(mi_analysis_args *a, mi_err *e);
json_t *mi_analysis_run_rake(mi_analysis_args *a, mi_err *e);

/* ---- survey designs (design.c) ------------------------------------------------ */

/* --col with the design options --weight W, --strata S, --cluster K, --fpc F,
 * --nest, --lonely-psu RULE, loaded and checked. */
typedef struct mi_analysis_design {
  mi_analysis_data d;
  const mi_analysis_column *col, *w, *strata, *cluster, *fpc; /* NULL when not given */
  char **slev, **plev;  /* names of the strata and clusters (sorted as mi_analysis_levels) */
  size_t nslev, nplev;
  size_t *sidx, *pidx;  /* level of each row */
  mi_stats_design des;  /* built when asked for */
} mi_analysis_design;

/* Is any of --weight, --strata, --cluster, --fpc given? */
int mi_analysis_has_design(const mi_analysis_args *a);
/* The design of the rows already in ad->d (loaded with the columns that
 * --col, --weight, --strata, --cluster and --fpc name; --col may be absent):
 * the checks and the build of mi_analysis_design_load below. Frees ad on
 * failure. */
int mi_analysis_design_of(mi_analysis_args *a, int build, mi_analysis_design *ad, mi_err *e);
/* Loads --col (numeric), the design columns and the text columns
 * extra[0..nextra) (e.g. raking variables). A missing weight, stratum,
 * cluster or fpc in any row, or a negative weight, is an error at FILE:LINE;
 * --nest without --strata and --cluster, --lonely-psu without --strata, an
 * unknown rule, or one column in a numeric and a text role are usage errors.
 * With build, ad->des is the design (errors from core/stats with names put
 * in). Free with mi_analysis_design_free (not needed after a failure). */
int mi_analysis_design_load(mi_analysis_args *a, const char *const *extra, size_t nextra,
                            int build, mi_analysis_design *ad, mi_err *e);
void mi_analysis_design_free(mi_analysis_design *ad);
/* Rewrites a core/stats message about the design: "row N: " becomes the
 * error's FILE:LINE, "stratum N" / "PSU N" the stratum's and cluster's names
 * (a PSU without --cluster is a row: its line); other messages get "FILE: ". */
void mi_analysis_design_err(const mi_analysis_design *ad, mi_err *e);
/* {"weight": W, "strata": S, ..., "nest", "lonely_psu", "psus", "strata_count"}. */
json_t *mi_analysis_design_json(const mi_analysis_args *a, const mi_analysis_design *ad);

/* If e's message starts with "WORD N" (N 1-based), puts names[N-1] in quotes
 * in place of N: "item 3 has ..." -> "item 'q_price' has ...". */
void mi_analysis_err_name(mi_err *e, const char *word, const char *const *names, size_t n);

/* ---- JSON helpers ------------------------------------------------------------ */

/* A JSON number, or null when x is not finite (NaN: undefined for the data). */
json_t *mi_analysis_jnum(double x);
/* Sets key of o to mi_analysis_jnum(x) / an integer. */
void mi_analysis_jset(json_t *o, const char *key, double x);
void mi_analysis_jset_n(json_t *o, const char *key, size_t n);
/* The fields of a design-based mean (n, n_missing, mean, se, df, interval,
 * conf, deff, sum_weights, n_psu, n_strata), without its design. */
json_t *mi_analysis_mean_json(const mi_stats_design_mean_result *r, double conf);
/* The fields of an NPS estimate (n, counts, weighted shares in percent, nps,
 * se, interval, df, deff, sum_weights, n_psu, n_strata) from the design mean
 * r of the scores +1/0/-1, the detractor/passive/promoter counts and weight
 * sums (cnt, wsum: [0] detractors, [1] passives, [2] promoters). */
json_t *mi_analysis_nps_json(const mi_stats_design_mean_result *r, size_t n_missing,
                             const size_t cnt[3], const double wsum[3]);

#endif
