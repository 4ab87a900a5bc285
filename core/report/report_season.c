/* Seasonality of the headline figures: the classical additive decomposition
 * (mi_stats_trend, as R's decompose()) of each figure's series over the last
 * MI_REPORT_SEASON_YEARS years of quarters or months, with the seasonal
 * figure keyed by the position in the calendar year (Q1..Q4, Jan..Dec)
 * rather than by the position from the series' start. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "stats/stats.h"

static const char *const figures[] = {"csat", "nps", "index"};
static const char *const figure_names[] = {"CSAT", "NPS", "index"};
static const char *const articles[] = {"a", "an", "an"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

size_t mi_report_season_frequency(const char *period) {
  size_t n = period ? strlen(period) : 0;
  if (n == 6 && period[4] == 'Q') return 4;
  if (n == 7 && period[4] == '-') return 12;
  return 0;
}

/* 0-based position of a period code in its year (frequency f), or -1. */
static int position(const char *code, size_t f) {
  if (!code || mi_report_season_frequency(code) != f) return -1;
  int k = f == 4 ? code[5] - '1' : (code[5] - '0') * 10 + (code[6] - '0') - 1;
  return k >= 0 && (size_t)k < f ? k : -1;
}

static const char *position_label(size_t f, size_t k) {
  static const char *const quarters[] = {"Q1", "Q2", "Q3", "Q4"};
  return f == 4 ? quarters[k] : months[k];
}

static json_t *jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* One figure's decomposition over the points (n of them, positions pos[]). */
static json_t *decompose(const json_t *points, const int *pos, size_t f, size_t fig,
                         const char *unit) {
  size_t n = json_array_size(points), have = 0;
  double *x = calloc(n ? n : 1, sizeof *x);
  unsigned char *miss = calloc(n ? n : 1, 1);
  json_t *o = json_object(), *values = json_array();
  if (!x || !miss) {
    free(x), free(miss), json_decref(values);
    json_object_set_new(o, "reason", json_string("out of memory"));
    return o;
  }
  for (size_t i = 0; i < n; i++) {
    json_t *v = json_object_get(json_object_get(json_array_get(points, i), figures[fig]), "value");
    miss[i] = !json_is_number(v);
    x[i] = miss[i] ? 0 : json_number_value(v);
    have += !miss[i];
    json_array_append_new(values, miss[i] ? json_null() : json_real(x[i]));
  }
  json_object_set_new(o, "n", json_integer((json_int_t)have));
  json_object_set_new(o, "values", values);
  const char *first = json_string_value(json_object_get(json_array_get(points, 0), "period"));
  const char *last = json_string_value(json_object_get(json_array_get(points, n - 1), "period"));
  char why[400] = "";
  mi_stats_trend_result r;
  memset(&r, 0, sizeof r);
  mi_err e = {0};
  if (have < 2 * f) {
    snprintf(why, sizeof why, "%zu of the %zu %ss from %s to %s have %s %s figure; the "
             "decomposition needs at least %zu (two full years)", have, n, unit,
             first ? first : "?", last ? last : "?", articles[fig], figure_names[fig], 2 * f);
  } else if (mi_stats_trend(&(mi_stats_vec){x, miss, NULL, n}, f, &r, &e)) {
    snprintf(why, sizeof why, "%.390s", e.msg);
  } else {
    /* a position without any value under the moving average leaves the
       whole figure NaN (its centring takes the mean of all positions) */
    for (size_t s = 0; s < f && !*why; s++) {
      int covered = 0;
      for (size_t i = s; i < n && !covered; i += f) covered = !miss[i] && isfinite(r.ma_centered[i]);
      if (!covered)
        snprintf(why, sizeof why, "the moving average covers no %s figure of %s (too many %ss "
                 "without responses)", figure_names[fig], position_label(f, (size_t)pos[s]), unit);
    }
  }
  if (*why) {
    json_object_set_new(o, "available", json_false());
    json_object_set_new(o, "reason", json_string(why));
  } else {
    json_t *trend = json_array(), *seasonal = json_array();
    int tlast = -1;
    for (size_t i = 0; i < n; i++) {
      json_array_append_new(trend, jnum(r.ma_centered[i]));
      if (isfinite(r.ma_centered[i])) tlast = (int)i;
    }
    /* r.seasonal[s] belongs to the s-th period from the start; list by the calendar */
    double by_pos[12];
    for (size_t s = 0; s < f; s++) by_pos[pos[s]] = r.seasonal[s];
    for (size_t k = 0; k < f; k++)
      json_array_append_new(seasonal, json_pack("{s:I, s:s, s:o}", "position", (json_int_t)k + 1,
                                                "label", position_label(f, k), "value",
                                                jnum(by_pos[k])));
    double lv = miss[n - 1] ? NAN : x[n - 1], ls = by_pos[pos[n - 1]];
    json_object_set_new(o, "available", json_true());
    json_object_set_new(o, "trend", trend);
    json_object_set_new(o, "seasonal", seasonal);
    json_object_set_new(o, "last", json_pack("{s:s?, s:s, s:o, s:o, s:o}", "period", last,
                                             "position", position_label(f, (size_t)pos[n - 1]),
                                             "value", jnum(lv), "seasonal", jnum(ls),
                                             "adjusted", jnum(lv - ls)));
    json_object_set_new(
        o, "trend_last",
        tlast < 0 ? json_null()
                  : json_pack("{s:s?, s:o}", "period",
                              json_string_value(json_object_get(json_array_get(points, (size_t)tlast), "period")),
                              "value", jnum(r.ma_centered[tlast])));
  }
  mi_stats_trend_free(&r);
  free(x), free(miss);
  return o;
}

json_t *mi_report_seasonality(const char *period, const json_t *points) {
  size_t f = mi_report_season_frequency(period), n = json_array_size(points);
  if (!f)
    return json_pack("{s:b, s:n, s:n, s:s}", "available", 0, "unit", "frequency", "reason",
                     "seasonality is by position in the year: it is computed for a quarter "
                     "(2026Q3) or a month (2026-09), not for a year or a day");
  const char *unit = f == 4 ? "quarter" : "month";
  int *pos = malloc((n ? n : 1) * sizeof *pos);
  json_t *codes = json_array(), *labels = json_array();
  for (size_t i = 0; pos && i < n; i++) {
    const char *c = json_string_value(json_object_get(json_array_get(points, i), "period"));
    pos[i] = position(c, f);
    if (pos[i] < 0 || (i > 0 && pos[i] != (pos[i - 1] + 1) % (int)f)) {
      free(pos), json_decref(codes), json_decref(labels);
      return json_pack("{s:b, s:s, s:I, s:s}", "available", 0, "unit", unit, "frequency",
                       (json_int_t)f, "reason", "the periods are not consecutive");
    }
    json_array_append_new(codes, json_string(c));
    json_array_append(labels, json_object_get(json_array_get(points, i), "label"));
  }
  if (!pos || !n) {
    free(pos), json_decref(codes), json_decref(labels);
    return json_pack("{s:b, s:s, s:I, s:s}", "available", 0, "unit", unit, "frequency",
                     (json_int_t)f, "reason", !n ? "no periods" : "out of memory");
  }
  char span[300];
  snprintf(span, sizeof span, "the last %d years (%zu %ss) ending with the report's: with two "
           "years the centred moving average leaves one value per %s, with three two; a %s "
           "without responses is missing",
           MI_REPORT_SEASON_YEARS, (size_t)MI_REPORT_SEASON_YEARS * f, unit, unit, unit);
  json_t *o = json_pack(
      "{s:s, s:I, s:o, s:o, s:s, s:s}", "unit", unit, "frequency", (json_int_t)f, "periods", codes,
      "labels", labels,
      "method",
      "classical additive decomposition as R's decompose(): the trend is the centred moving "
      "average over one year (weights 1/2, 1, .., 1, 1/2 divided by the frequency), the seasonal "
      "figure of a position in the year is the mean of value minus trend over its periods, "
      "centred to sum 0; adjusted = value - seasonal figure",
      "span", span);
  int any = 0;
  for (size_t k = 0; k < 3; k++) {
    json_t *d = decompose(points, pos, f, k, unit);
    any |= json_is_true(json_object_get(d, "available"));
    json_object_set_new(o, figures[k], d);
  }
  json_object_set_new(o, "available", json_boolean(any));
  free(pos);
  return o;
}
