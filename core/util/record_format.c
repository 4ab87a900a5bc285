#include "util/record_format.h"

#include <string.h>
#include <strings.h>

int mi_format_parse(const char *name, mi_format *out, mi_err *e) {
  if (!name || !out) return mi_err_set(e, MI_EINVAL, "mi_format_parse: bad arguments");
  if (strcasecmp(name, "csv") == 0) {
    *out = MI_FORMAT_CSV;
  } else if (strcasecmp(name, "jsonl") == 0 || strcasecmp(name, "ndjson") == 0) {
    *out = MI_FORMAT_JSONL;
  } else {
    return mi_err_set(e, MI_EINVAL, "unknown format '%s': use csv or jsonl", name);
  }
  return 0;
}

int mi_format_from_path(const char *path, mi_format *out, mi_err *e) {
  if (!path || !out) return mi_err_set(e, MI_EINVAL, "mi_format_from_path: bad arguments");
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash : path, '.');
  if (dot && strcasecmp(dot, ".csv") == 0) {
    *out = MI_FORMAT_CSV;
  } else if (dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0)) {
    *out = MI_FORMAT_JSONL;
  } else {
    return mi_err_set(e, MI_EINVAL,
                      "cannot tell the format of '%s' from its name: name it .csv or "
                      ".jsonl, or give the format (csv or jsonl)",
                      path);
  }
  return 0;
}

const char *mi_format_name(mi_format f) {
  switch (f) {
  case MI_FORMAT_CSV: return "csv";
  case MI_FORMAT_JSONL: return "jsonl";
  default: return "auto";
  }
}
