/* The schema steps compiled from schemas/ (see schemas/embed.cmake). */
#ifndef MI_STORE_SCHEMA_H
#define MI_STORE_SCHEMA_H

typedef struct mi_schema_step {
  int version;      /* the user_version after this step */
  const char *name; /* "base", "0002_customer_value", ... */
  const char *sql;
} mi_schema_step;

extern const mi_schema_step mi_schema_steps[];
extern const int mi_schema_step_count;

#endif
