/* Budgets of a policy call: instructions (count hook), time (wall time, then
 * CPU time, see mi_pol_budget; the watchdog of watchdog.c marks the call
 * expired when it is over and makes the hook fire at once; the hook checks
 * the clocks too) and memory (the
 * allocator refuses past the cap). A hit is
 * sticky: the hook raises again at every chance until the call ends, so a
 * pcall or a coroutine inside the script cannot swallow it. New coroutines
 * inherit the hook of the thread that creates them (lua_newthread does so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

#define STEP 1000 /* instructions between two hook calls: cheap, and fine-grained enough */

static int64_t clock_ns(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts)) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

/* The CPU time a call may use past its first deadline. */
static int64_t grace_ns(const mi_pol_budget *b) { return b->lim.time_ms * 1000000 / 2; }

/* CPU nanoseconds of the grace not used yet (<= 0: used up); the grace
 * starts when this is first asked. */
static int64_t grace_left_ns(mi_pol_budget *b) {
  int64_t cpu = b->cpu_clock_ok ? clock_ns(b->cpu_clock) : -1;
  if (cpu < 0) return 0;
  int64_t ref = -1;
  if (!atomic_compare_exchange_strong(&b->cpu_ref_ns, &ref, cpu)) return grace_ns(b) - (cpu - ref);
  return grace_ns(b);
}

int mi_pol_budget_over(mi_pol_budget *b, int64_t now) {
  if (now < b->deadline_ns) return 0;
  int64_t left = now < b->wall_cap_ns ? grace_left_ns(b) : 0;
  if (left <= 0) return 1;
  int64_t next = now + (left > 1000000 ? left : 1000000); /* look again in >= 1 ms */
  b->deadline_ns = next < b->wall_cap_ns ? next : b->wall_cap_ns;
  return 0;
}

mi_pol_budget *mi_pol_budget_of(lua_State *L) {
  void *ud = NULL;
  lua_getallocf(L, &ud);
  return ud;
}

/* Where the memory ran out: the innermost policy frame of the main thread
 * (of the coroutine's resume when a coroutine ran out). Lua raises a memory
 * error without a message handler, and the last hook stop may be up to a
 * step of instructions back (s = s .. s doubles past the cap in 30), so the
 * position is taken here. Reading the stack allocates nothing. */
static void note_alloc_position(mi_pol_budget *b) {
  lua_Debug ar;
  if (!b->main) return;
  for (int level = 0; lua_getstack(b->main, level, &ar); level++)
    if (lua_getinfo(b->main, "Sl", &ar) && ar.currentline > 0 && ar.source[0] == '@') {
      snprintf(b->err_src, sizeof b->err_src, "%s", ar.source + 1);
      b->err_line = ar.currentline;
      b->hit_pos = 1;
      return;
    }
}

void *mi_pol_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  mi_pol_budget *b = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    b->used -= old;
    return NULL;
  }
  if (nsize > old && b->used - old + nsize > (size_t)b->lim.memory) {
    /* Lua retries a refused request once after an emergency collection; only
     * when the retry is refused too is the budget really exhausted. */
    if (b->refused && b->refused_size == nsize && b->hit == MI_POL_HIT_NONE) {
      b->hit = MI_POL_HIT_MEM;
      note_alloc_position(b);
    }
    b->refused = 1;
    b->refused_size = nsize;
    return NULL;
  }
  void *q = realloc(ptr, nsize);
  if (!q) return NULL;
  b->used = b->used - old + nsize;
  if (nsize > old) b->refused = 0;
  return q;
}

/* Notes where the call is, at every hook stop until a budget runs out: a
 * memory error raised by Lua itself reaches no message handler, and a hit in
 * a coroutine may not surface at all, so this is the position they report. */
static void note_position(lua_State *L, mi_pol_budget *b, lua_Debug *ar) {
  if (!lua_getinfo(L, "Sl", ar) || ar->currentline <= 0 || ar->source[0] != '@') return;
  snprintf(b->err_src, sizeof b->err_src, "%s", ar->source + 1);
  b->err_line = ar->currentline;
}

static void raise_hit(lua_State *L, mi_pol_budget *b) {
  char buf[256];
  b->raising = 1; /* no handler of the policy's may run now (sb_xpcall) */
  /* From now on fire after every instruction, so a pcall gets no further. */
  lua_sethook(L, lua_gethook(L), lua_gethookmask(L) | LUA_MASKCOUNT, 1);
  luaL_error(L, "%s", mi_pol_hit_text(b, buf, sizeof buf));
}

static void hook(lua_State *L, lua_Debug *ar) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  if (ar->event == LUA_HOOKRET) {
    /* The last return of a function of the policy file in the main thread
     * before the call ends is the hook's own return (or of its tail call). */
    if (!b->track_ret || L != b->main || !b->src) return;
    /* Most returns are of C functions (library calls, metamethods): "l"
     * alone tells them apart (no line), without "S", which formats the
     * source's name each time. */
    if (!lua_getinfo(L, "l", ar) || ar->currentline <= 0 || !lua_getinfo(L, "S", ar)) return;
    /* Functions of one chunk share one source string: compare the pointer first. */
    if (ar->source != b->src_seen) {
      if (strcmp(ar->source, b->src)) return;
      b->src_seen = ar->source;
    }
    b->ret_line = ar->currentline;
    return;
  }
  if (b->hit != MI_POL_HIT_NONE) raise_hit(L, b);
  note_position(L, b, ar);
  b->count += lua_gethookcount(L);
  if (b->count >= b->lim.instructions) b->hit = MI_POL_HIT_INSTR;
  else if (b->expired || mi_pol_budget_over(b, now_ns())) b->hit = MI_POL_HIT_TIME;
  if (b->hit != MI_POL_HIT_NONE) {
    b->hit_pos = 1;
    raise_hit(L, b);
  }
}

void mi_pol_note_frame(lua_State *L, mi_pol_budget *b) {
  lua_Debug ar;
  for (int level = 1; lua_getstack(L, level, &ar); level++)
    if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && ar.source[0] == '@') {
      snprintf(b->err_src, sizeof b->err_src, "%s", ar.source + 1);
      b->err_line = ar.currentline;
      return;
    }
}

int mi_pol_budget_hit(lua_State *L, mi_pol_hit hit) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  if (b->hit == MI_POL_HIT_NONE) {
    b->hit = hit;
    mi_pol_note_frame(L, b);
    b->hit_pos = 1;
  }
  raise_hit(L, b);
  return 0;
}

void mi_pol_budget_check_time(lua_State *L) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  if (b->hit != MI_POL_HIT_NONE || b->raising) raise_hit(L, b);
  if (b->expired) mi_pol_budget_hit(L, MI_POL_HIT_TIME);
  /* The coarse clock costs a few ns (it is checked before every library
   * call that loops in C); it may lag by a tick (1-4 ms), no more. */
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  if ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec >= b->deadline_ns &&
      mi_pol_budget_over(b, now_ns()))
    mi_pol_budget_hit(L, MI_POL_HIT_TIME);
}

int mi_pol_budget_allows(lua_State *L, double ms) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  int64_t now = now_ns();
  double ns = ms * 1e6;
  int64_t to_deadline = b->deadline_ns - now;
  if (ns <= (double)to_deadline) return 1; /* the CPU clock need not be read */
  /* before the first deadline the whole grace is still to come */
  int64_t left = b->cpu_ref_ns < 0 ? (to_deadline > 0 ? to_deadline : 0) + grace_ns(b)
                                   : grace_left_ns(b);
  int64_t wall = b->wall_cap_ns - now;
  return ns <= (double)(left < wall ? left : wall);
}

void mi_pol_budget_charge(lua_State *L, double n) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  if (n > (double)(b->lim.instructions - b->count)) mi_pol_budget_hit(L, MI_POL_HIT_INSTR);
  b->count += (int64_t)n;
}

void mi_pol_budget_begin(lua_State *L, int track_ret) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  b->calls++;
  b->count = 0;
  b->hit = MI_POL_HIT_NONE;
  b->hit_pos = 0;
  b->raising = 0;
  b->refused = 0;
  b->track_ret = track_ret;
  b->ret_line = 0;
  b->step = b->lim.instructions < STEP ? (int)b->lim.instructions : STEP;
  int64_t now = now_ns();
  b->deadline_ns = now + b->lim.time_ms * 1000000;
  b->wall_cap_ns = now + b->lim.time_ms * 1000000 * MI_POL_WALL_FACTOR;
  b->cpu_clock_ok = pthread_getcpuclockid(pthread_self(), &b->cpu_clock) == 0;
  b->cpu_ref_ns = -1;
  b->expired = 0;
  b->nrunning = 0;
  lua_sethook(L, hook, LUA_MASKCOUNT | (track_ret ? LUA_MASKRET : 0), b->step);
  mi_pol_watch_begin(b);
}

void mi_pol_budget_rearm(lua_State *L) {
  lua_Hook h = lua_gethook(L); /* the REPL wraps the hook: keep whichever is set */
  if (h) lua_sethook(L, h, lua_gethookmask(L) | LUA_MASKCOUNT, 1);
}

void mi_pol_budget_end(lua_State *L) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  mi_pol_watch_end(b);
  b->track_ret = 0;
  /* Keep counting (never unhooked): coroutines made now inherit a live hook. */
  lua_sethook(L, hook, LUA_MASKCOUNT, b->step);
}

const char *mi_pol_hit_text(const mi_pol_budget *b, char *buf, size_t size) {
  switch (b->hit) {
  case MI_POL_HIT_INSTR:
    snprintf(buf, size,
             "instruction budget exhausted (%lld instructions per call; see "
             "limits.policy_instructions)",
             (long long)b->lim.instructions);
    break;
  case MI_POL_HIT_MEM:
    snprintf(buf, size, "memory budget exhausted (%lld bytes per policy; see limits.policy_memory)",
             (long long)b->lim.memory);
    break;
  case MI_POL_HIT_TIME:
    snprintf(buf, size, "time budget exhausted (%lld ms per call; see limits.policy_time)",
             (long long)b->lim.time_ms);
    break;
  default: snprintf(buf, size, "no budget exhausted"); break;
  }
  return buf;
}
