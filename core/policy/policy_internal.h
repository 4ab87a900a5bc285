/* Private to core/policy: the state behind an mi_policy and the helpers the
 * files of this folder share. Only this folder includes <lua.h>. */
#ifndef MI_POLICY_INTERNAL_H
#define MI_POLICY_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "policy/policy.h"

#define MI_POL_MAX_FILE (1024 * 1024) /* policy files are small; larger ones are refused */
#define MI_POL_REASON_MAX 500
#define MI_POL_WALL_FACTOR 10 /* a call's wall time is capped at 10 x its time budget */
#define MI_POL_MAX_RESUMED 256 /* coroutines resumed inside each other the watchdog re-arms */

typedef enum mi_pol_hit {
  MI_POL_HIT_NONE,
  MI_POL_HIT_INSTR,
  MI_POL_HIT_MEM,
  MI_POL_HIT_TIME,
} mi_pol_hit;

/* Budget and allocator state of one lua_State; it is the allocator's ud, so
 * every thread of the state reaches it with lua_getallocf. */
typedef struct mi_pol_budget {
  mi_policy_limits lim;
  /* per call (reset by mi_pol_budget_begin) */
  uint64_t calls;      /* calls begun: the current call's number */
  int64_t count;       /* instructions counted so far */
  int step;            /* instructions between two hook calls */
  /* Time: lim.time_ms of wall time, then half as much again of the calling
   * thread's CPU time (a call descheduled on a busy machine is not failed
   * for the time others used), and never past MI_POL_WALL_FACTOR x
   * lim.time_ms of wall time. The CPU clock (a system call) is read only
   * once a call is past its first deadline: most calls never are. The
   * watchdog and the hook read the clocks at deadline_ns and move it on. */
  _Atomic int64_t deadline_ns; /* CLOCK_MONOTONIC */
  int64_t wall_cap_ns;         /* CLOCK_MONOTONIC */
  _Atomic int64_t cpu_ref_ns;  /* the CPU clock at the first deadline; -1: not read yet */
  clockid_t cpu_clock;         /* the calling thread's CPU clock */
  int cpu_clock_ok;            /* 0: no CPU clock, the first deadline is final */
  mi_pol_hit hit;      /* sticky until the next begin: pcall cannot clear it */
  /* allocator */
  size_t used;
  int refused;         /* the last growing request was refused */
  size_t refused_size; /* ... and its size: a second refusal of it is final */
  /* return-line tracking of the tier hook (main thread only) */
  lua_State *main;
  const char *src; /* the chunk name of the policy file ("@path") */
  const char *src_seen; /* Lua's copy of it, once a return has matched */
  int track_ret;
  int ret_line;
  /* where the last error was raised, set by the message handler */
  char err_src[256];
  int err_line;
  int hit_pos; /* err_src/err_line are where the hook found a budget exhausted */
  /* An error the policy must not handle is on its way out (a budget hit, the
   * REPL's interruption): it may be raised inside the count hook, where hooks
   * are off, so a message handler of the policy's would run unbounded. */
  int raising;
  int frozen; /* the file has loaded: what it made is frozen (freeze.c) */
  /* the watchdog (watchdog.c) */
  volatile sig_atomic_t expired; /* the call ran past its deadline */
  pthread_t owner;               /* the thread the call runs on */
  struct mi_pol_budget *wd_next; /* the watched calls */
  struct mi_pol_budget *wd_outer; /* the call this one runs inside, on the same thread */
  int wd_on; /* watched: calls of this state under way (nested: more than 1) */
  lua_State *running[MI_POL_MAX_RESUMED]; /* coroutines being resumed, outermost first */
  volatile int nrunning;
} mi_pol_budget;

/* The part of an mi_policy that a reload replaces as a whole. */
typedef struct mi_pol_rt {
  lua_State *L;
  mi_pol_budget *b;
  int hooks_ref; /* registry: {hook name = function} copied from the file's table */
  int params_ref; /* registry: the read-only params table */
  int slots_ref, nslots; /* registry: the upvalue slots put back before each call */
  char digest[17];
  int64_t mtime_ns, size;
} mi_pol_rt;

struct mi_policy {
  char *name, *path, *dir, *chunkname;
  mi_config_value params; /* deep copy, for reloads */
  mi_policy_counters counters;
  mi_pol_rt rt;
  int no_lines; /* mi_policy_track_lines(p, 0) */
};

/* ---- budget.c ---- */
void *mi_pol_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Arms the hook on L for one call (track_ret: record the line of returns). */
void mi_pol_budget_begin(lua_State *L, int track_ret);
void mi_pol_budget_end(lua_State *L);
mi_pol_budget *mi_pol_budget_of(lua_State *L);
/* Records that a budget ran out, where (the innermost Lua frame above level
 * 0), and raises. For C functions that see it coming (string.rep). */
int mi_pol_budget_hit(lua_State *L, mi_pol_hit hit);
/* Raises if the call is past its deadline (or a budget already ran out):
 * for C functions that may take long with few instructions between them. */
void mi_pol_budget_check_time(lua_State *L);
/* Makes the count hook of L (a thread of a call) fire at the next
 * instruction; safe to call from a signal handler. */
void mi_pol_budget_rearm(lua_State *L);
/* 1 when ms more milliseconds of work fit in the call's time budget. */
int mi_pol_budget_allows(lua_State *L, double ms);
/* At or past b's deadline (now on CLOCK_MONOTONIC): 1 when the call has
 * used its time (above), else 0 with the deadline moved to when it could
 * next have used it. The watchdog's thread and the call's may both ask. */
int mi_pol_budget_over(mi_pol_budget *b, int64_t now);
/* Charges n instructions of work done in C (raises when past the budget). */
void mi_pol_budget_charge(lua_State *L, double n);
/* Notes the innermost Lua frame above level 0 as the error position. */
void mi_pol_note_frame(lua_State *L, mi_pol_budget *b);
/* "instruction budget exhausted (...)" for a hit. */
const char *mi_pol_hit_text(const mi_pol_budget *b, char *buf, size_t size);

/* ---- watchdog.c: the wall-clock watchdog of calls ---- */
/* Watches the call that begins on b (b->deadline_ns set) until its end. */
void mi_pol_watch_begin(mi_pol_budget *b);
void mi_pol_watch_end(mi_pol_budget *b);
/* A coroutine of the call is being resumed (enter) / has returned (leave). */
void mi_pol_watch_enter(mi_pol_budget *b, lua_State *co);
void mi_pol_watch_leave(mi_pol_budget *b);

/* ---- sandbox.c / sandbox_funcs.c / pattern.c / require.c ---- */
/* Creates the state with its sandbox; dir is the policy folder for require. */
int mi_pol_state_new(mi_pol_rt *rt, const mi_policy_limits *lim, const char *dir,
                     const char *chunkname, mi_err *e);
void mi_pol_state_close(mi_pol_rt *rt);
/* Pushes a fresh environment for a chunk: reads fall to the allow-list,
 * unknown names raise, writes are allowed until mi_pol_env_seal. */
void mi_pol_env_new(lua_State *L);
void mi_pol_env_seal(lua_State *L, int idx);
/* Adds the wrapped functions and blocked-name stubs of library lib ("_G",
 * "os", "string"...) to the table at the top of the stack. */
void mi_pol_open_funcs(lua_State *L, const char *lib);
/* Makes the value at idx the default environment of load(). */
void mi_pol_set_env(lua_State *L, int idx);
void mi_pol_open_patterns(lua_State *L, int strlib);
/* string.rep, table.move: costs checked before they loop in C (guards.c). */
void mi_pol_open_guards(lua_State *L, const char *lib);
void mi_pol_open_require(lua_State *L, const char *dir);
/* Pops the value at the top into the `manyi` library table as manyi[name]
 * (for functions only some states have, e.g. the REPL's manyi.sql). */
void mi_pol_manyi_add(lua_State *L, const char *name);
/* bind_stats.c: pushes the read-only table manyi.stats. */
void mi_pol_open_stats(lua_State *L);
/* bind_tr.c: sets manyi.tr in the table at the top. */
void mi_pol_open_tr(lua_State *L);
/* Reads path into a new Lua string on the stack (or raises). */
void mi_pol_push_file(lua_State *L, const char *path);

/* ---- freeze.c: calls keep no state ---- */
/* Freezes what is reachable from the nroots values at the top (popped):
 * tables become read-only in place, coroutines made at load are refused;
 * returns a registry ref to the upvalue slots (count in *nslots). Raises. */
int mi_pol_freeze(lua_State *L, int nroots, int *nslots);
/* Puts every slot back to its value at load (before each call). */
void mi_pol_restore(lua_State *L, int slots_ref, int nslots);
/* Pushes the shadow of the frozen table at idx and returns 1; else 0. */
int mi_pol_frozen_shadow(lua_State *L, int idx);
/* Replaces a frozen table at idx by its shadow, for C code that reads tables
 * raw (lua_next, lua_rawget); anything else stays. */
void mi_pol_thaw(lua_State *L, int idx);
/* Pushes the metatable that setmetatable(x, frozen table at idx) installs. */
void mi_pol_push_frozen_mt(lua_State *L, int idx);
/* next, rawget, rawlen, getmetatable that see through frozen tables, into
 * the table at the top. */
void mi_pol_open_frozen(lua_State *L);
/* Pushes every module that require has loaded; returns how many. */
int mi_pol_push_required(lua_State *L);

/* file_trust.c: 1 when the policy file at path (st: its stat) may be run:
 * neither it nor its folder is writable by group or others; else 0 with why
 * (what is wrong and the chmod that fixes it). */
struct stat;
int mi_pol_file_trusted(const char *path, const struct stat *st, char *why, size_t size);

/* ---- readonly.c ---- */
#define MI_POL_RO_MARKER "__mi_readonly" /* a field of the hidden metatable */
/* Replaces the table at the top with a read-only proxy named what ("customer
 * view", "params", "string"). strict: reading an unknown key raises. */
void mi_pol_readonly(lua_State *L, const char *what, int strict);
/* Is the value at idx a read-only proxy (or a sealed environment)? */
int mi_pol_is_readonly(lua_State *L, int idx);
/* The value that stands for a known field whose value is nil. */
void mi_pol_push_nil_mark(lua_State *L);

/* ---- views.c ---- */
void mi_pol_push_view(lua_State *L, const mi_view *v);
/* As mi_pol_push_view, but once the file is frozen (calls keep no state, so
 * no call can hold a view past its end) the view is a proxy made once per
 * slot that reads each field asked for from v during this call (views.c),
 * instead of tables filled with every field. A hook that pushes several
 * views at once gives each its own slot: the tier and points hooks use 0-2,
 * the common hook body MI_POL_SLOT_HOOK_ARGS + argument. A view's records
 * (MI_VIEW_RECORD) are read the same way, in slots of their own. v must
 * live until the call ends. */
#define MI_POL_SLOT_HOOK_ARGS 8
void mi_pol_push_view_kept(lua_State *L, const mi_view *v, int slot);
void mi_pol_push_value(lua_State *L, const mi_config_value *v, const char *what);
int mi_pol_value_copy(mi_config_value *dst, const mi_config_value *src);
void mi_pol_value_free(mi_config_value *v);

/* ---- call.c ---- */
/* Runs fn(L) (a C function that finds ud as a light userdata at index 1) in
 * protected mode under the budget. On failure fills e with the position of
 * the innermost policy frame and "(<kind> <id>)" when input is not NULL. */
int mi_pol_pcall(mi_policy *p, mi_pol_rt *rt, lua_CFunction fn, void *ud, int track_ret, const mi_view *input,
                 mi_err *e);
/* After a call that noted no lines (p->no_lines) and whose result was
 * refused with the message in bad[size]: runs fn once more noting them, so
 * that the refused return's line is known. The first call's verdict (bad)
 * stands; when the second gives another one (a budget ran out on a loaded
 * machine), the line stays unknown (0). */
void mi_pol_rerun_for_line(mi_policy *p, lua_CFunction fn, void *ud, char *bad, size_t size);
/* A failure found in C after a successful call (a nonsense return): counts
 * it and fills e like mi_pol_pcall does. Returns MI_EPOLICY. */
int mi_pol_fail(mi_policy *p, int line, const mi_view *input, mi_err *e, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- call_hook.c: the call and the result checks that the hooks
 * (hook_<name>.c) share ---- */
typedef struct mi_pol_hook {
  mi_policy *p;
  const char *name;       /* the hook: "route" */
  const mi_view *args[3]; /* the views passed before params (NULL: nil); args[0] is named in errors */
  int nargs, nresults;
  /* Reads the nresults results at the top of the stack (runs protected, so it
   * may raise) and fills the caller's decision, or calls mi_pol_bad. */
  void (*check)(lua_State *L, struct mi_pol_hook *h);
  void *ctx; /* the caller's decision and whatever check needs */
  int line;  /* the line of the last return when the hook returned */
  char bad[900]; /* what was wrong with the results, or "" */
} mi_pol_hook;
/* Calls the hook (counted), then check; MI_EPOLICY naming file, line and
 * args[0] on any failure. */
int mi_pol_call_hook(mi_pol_hook *h, mi_err *e);
/* mi_pol_call_hook, then: on failure out (size bytes) is zeroed, on
 * success *line gets the line of the policy's last return. */
int mi_pol_call_hook_into(mi_pol_hook *h, void *out, size_t size, int *line, mi_err *e);
/* Records what was wrong (the first reason wins); returns -1. */
int mi_pol_bad(mi_pol_hook *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "a number (3)", "a table", "nil": what the value at idx is, for messages. */
void mi_pol_describe(lua_State *L, int idx, char *buf, size_t size);
/* The value at idx must be a table whose keys are all among fields (a
 * read-only proxy, e.g. from params, passes as it is). */
int mi_pol_want_record(lua_State *L, mi_pol_hook *h, int idx, const char *what,
                       const char *const *fields);
/* The value at idx must be a sequence 1..n with n <= max; *n gets n. */
int mi_pol_want_list(lua_State *L, mi_pol_hook *h, int idx, const char *what, size_t max,
                     size_t *n);
/* The value at idx must be a string of 1..max bytes, UTF-8 without NUL (and,
 * unless is_reason, without control characters); copied into out (max + 1). */
int mi_pol_want_text(lua_State *L, mi_pol_hook *h, int idx, const char *what, size_t max,
                     int is_reason, char *out);
/* The value at idx must be a list of at most max reasons (UTF-8 text of 1..
 * MI_POL_REASON_MAX bytes), copied into out[0..*n). */
int mi_pol_want_reasons(lua_State *L, mi_pol_hook *h, int idx, const char *what, size_t max,
                        char (*out)[MI_POL_REASON_MAX + 1], size_t *n);
/* The value at idx must be a number with an integer value in min..max. */
int mi_pol_want_int(lua_State *L, mi_pol_hook *h, int idx, const char *what, int64_t min,
                    int64_t max, int64_t *out);


#endif
