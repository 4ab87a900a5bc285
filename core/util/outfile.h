/* Output files (exports, reports, reject files, diffs, the REPL's .output):
 * one way to write them. The data goes to a new temporary file in the same
 * folder, mode 0600 as it may hold personal data, and gets the target's
 * name only once every byte is written and flushed to disk, so the target
 * is complete or untouched. Where the file system has O_TMPFILE the
 * temporary file has no name until then (linked in at the end), so a
 * killed writer leaves nothing; elsewhere (or with MANYI_OUTFILE_NAMED set,
 * for tests) it is TARGET.tmp-PID-XXXXXX, created with O_CREAT | O_EXCL (so
 * never through a link someone placed there) and locked while its writer
 * lives; one a killed writer left is removed by the next write of TARGET
 * and by mi_outfile_sweep (`manyi check`). A target that is a symbolic link, or that is the
 * database or one of its companion files (-wal, -shm, -journal, -batch,
 * -audit-head), is
 * refused. Write errors (a full disk) are reported at mi_outfile_close.
 * Under set-user-id the file is made, checked and renamed with the caller's
 * rights (the real uid and gid), so it is theirs and lands only where they
 * may write themselves. */
#ifndef MI_UTIL_OUTFILE_H
#define MI_UTIL_OUTFILE_H

#include <stdio.h>

#include "util/err.h"

typedef struct mi_outfile mi_outfile;

/* Opens a temporary file for path. protect is the database path whose files
 * path must not be (NULL: none). *out is owned by the caller: end it with
 * mi_outfile_close or mi_outfile_abort. */
int mi_outfile_open(const char *path, const char *protect, mi_outfile **out, mi_err *e);

/* The stream to write to. */
FILE *mi_outfile_stream(mi_outfile *o);

/* Flushes and syncs the data and renames it over the target; on any error
 * (reported with the target's name) the temporary file is removed and the
 * target left as it was. Frees o (NULL: nothing to do, returns 0). */
int mi_outfile_close(mi_outfile *o, mi_err *e);

/* Removes the temporary file, leaving the target as it was; frees o. */
void mi_outfile_abort(mi_outfile *o);

/* 0 when path may be written: not a symbolic link, not the database protect
 * nor one of its companion files (compared by name and, for files that
 * exist, by device and inode, so a hard link or another spelling of the path
 * is caught too). */
int mi_outfile_check(const char *path, const char *protect, mi_err *e);

/* Removes the temporary files that killed writers left in dir (named
 * *.tmp-PID-XXXXXX, ours, mode 0600, their process gone and no lock on
 * them); returns how many. */
size_t mi_outfile_sweep(const char *dir);

/* Flushes a stream manyi wrote to (standard output) and reports an error on
 * it (a full disk, a closed pipe) naming what. */
int mi_outfile_flush_stream(FILE *f, const char *what, mi_err *e);

#endif
