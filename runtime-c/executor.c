/*
 * executor.c: the single-threaded executor that polls the program's tasks.
 *
 * All storage is the program's: the task table mote_tasks (poll function and
 * state per slot), mote_task_status (one byte per slot) and the ready bitmap
 * mote_task_ready (one bit per slot), each sized by the compiler; the runtime
 * has no maximum. Slot 0 is `main`.
 *
 * Interrupt safety: mote_wake may run in any interrupt handler. The ready
 * bitmap is only changed inside PRIMASK critical sections (a handful of
 * instructions). PRIMASK rather than LDREX/STREX on v7-M too: one code path
 * for v6-M and v7-M, no retry loops, and the masked window is shorter than
 * the exception entry itself. Handlers never touch mote_task_status.
 */
#include "mote_rt.h"

#define MAIN_TASK 0u

/* Weak: C programs need not define it. */
extern bool (*const mote_task_poller)(uint32_t task) __attribute__((weak));

/* Mote programs define it: a switch calling each task's poll directly (mote.llvm.TaskTable).
 * Built for speed, the executor polls through it, so that the whole-program optimiser can
 * inline each task into the executor; built for size, through the table (one indirect call
 * is smaller than a call per task). Weak: C programs need not define it. */
extern bool mote_poll_task(uint32_t task) __attribute__((weak));

/* The id of the task being polled: a global of its own, under a name a debugger can find
 * (qemu/gdbinit's `mote-task` reads it). Whole-program optimisation splits a struct of
 * globals into one global per field anyway, so this costs nothing. */
uint32_t mote_task_current;

static struct {
    uint32_t live;      /* LIVE slots: the program ends when none is left */
    uint32_t next_scan; /* round-robin position in the ready bitmap (more than 32 slots) */
    uint32_t after;     /* 32 slots or fewer: the bits of the slots after the last polled one */
} ex;

/* 32 tasks or fewer (the common case) have one word of ready bits: in a whole-program build
 * the task count is a constant, so this folds and the word index and the scan across words
 * disappear. */
#define ONE_WORD (mote_task_count <= 32u)

/* One task has nothing to rotate. Only where the count is a constant: elsewhere (C programs
 * linking runtime-c's objects) the mask alone gives the same pick without a test. */
#ifdef MOTE_WHOLE_PROGRAM
#define ONE_TASK (mote_task_count == 1u)
#else
#define ONE_TASK 0
#endif

#ifdef MOTE_WHOLE_PROGRAM
/* Weak: the whole-program link sets it from what the program does (see mote_rt.h). */
__attribute__((weak)) const bool mote_handlers_use_runtime = true;
#endif

void mote_wake_locked(uint32_t id)
{
    if (ONE_WORD)
        mote_task_ready[0] |= 1u << id;
    else
        mote_task_ready[id >> 5] |= 1u << (id & 31u);
}

void mote_wake(uint32_t id)
{
    uint32_t primask = mote_lock();
    mote_wake_locked(id);
    mote_unlock(primask);
}

void mote_wake_current(void)
{
    mote_wake(mote_task_current);
}

uint32_t mote_current_task(void)
{
    return mote_task_current;
}

/* Inlined into both callers: a program links one of them, and C programs linking runtime-c's
 * objects keep only what they call. */
static inline __attribute__((always_inline)) void start_slot(uint32_t id)
{
    mote_task_status[id] = MOTE_TASK_LIVE;
    ex.live++;
    mote_wake(id);
}

void mote_task_start(uint32_t id)
{
    start_slot(id);
}

int32_t mote_task_claim(uint32_t first, uint32_t n)
{
    for (uint32_t id = first; id < first + n; id++) {
        if (mote_task_status[id] == MOTE_TASK_FREE || mote_task_status[id] == MOTE_TASK_FINISHED) {
            start_slot(id);
            return (int32_t)id;
        }
    }
    return -1;
}

static uint32_t lowest_bit(uint32_t mask)
{
#if defined(__ARM_ARCH_6M__)
    uint32_t bit = 0;
    while (!(mask & 1u)) {
        mask >>= 1;
        bit++;
    }
    return bit;
#else
    return (uint32_t)__builtin_ctz(mask);
#endif
}

/* Every ready bit is a task's: told so, the optimiser drops the caller's test for "none"
 * after a bit was found, and with one task knows the id, so the poll is direct and
 * inlined into the executor (the worst-case stack report measures such a poll from the
 * executor: mote.size.TaskReport). */
static void assume_a_task(uint32_t id)
{
    __builtin_assume(id < mote_task_count);
}

/* Takes the next ready task after the last one polled (round robin, so a task
 * that keeps yielding cannot starve the others) and clears its bit; returns
 * mote_task_count when none is ready. Called with interrupts masked. */
static uint32_t take_ready(void)
{
    if (ONE_WORD) {
        /* The scan position is kept as the mask of the slots after the last polled one, so
         * neither the pick nor the update shifts by a variable amount or compares with the
         * count. After the last slot the mask has no task's bit and the scan wraps; zero
         * (its initial value) wraps too. With one task there is nothing to rotate. */
        uint32_t ready = mote_task_ready[0];
        uint32_t mask = ONE_TASK ? ready : ready & ex.after;
        if (mask == 0)
            mask = ready;
        if (mask == 0)
            return mote_task_count;
        uint32_t id = lowest_bit(mask);
        assume_a_task(id);
        mote_task_ready[0] = ready & ~(1u << id);
        if (!ONE_TASK)
            ex.after = ~1u << id;
        return id;
    }
    uint32_t words = (mote_task_count + 31u) >> 5;
    uint32_t w = ex.next_scan >> 5;
    uint32_t mask = mote_task_ready[w] & (~0u << (ex.next_scan & 31u));
    for (uint32_t k = 0; k <= words; k++) {
        if (mask != 0) {
            uint32_t bit = lowest_bit(mask);
            mote_task_ready[w] &= ~(1u << bit);
            uint32_t id = (w << 5) + bit;
            assume_a_task(id);
            ex.next_scan = id + 1 < mote_task_count ? id + 1 : 0;
            return id;
        }
        w = w + 1 < words ? w + 1 : 0;
        mask = mote_task_ready[w];
    }
    return mote_task_count;
}

_Noreturn void mote_executor_run(void)
{
#ifdef __GCC_HAVE_DWARF2_CFI_ASM
    /* The outermost frame for a debugger: this never returns, so it saves no return address,
     * and gdb would otherwise unwind into itself ("previous frame identical"). Emits no code. */
    __asm__(".cfi_undefined lr");
#endif
    mote_task_status[MAIN_TASK] = MOTE_TASK_LIVE;
    ex.live = 1;
    mote_task_ready[0] = 1u << MAIN_TASK;
    for (;;) {
        /* Checking for work and sleeping happen with interrupts masked: WFI
         * still wakes on a pending interrupt, whose handler runs right after
         * `cpsie i`, so a wake-up cannot slip in between and be slept through. */
        __asm__ volatile("cpsid i" ::: "memory");
        uint32_t id = take_ready();
        if (id == mote_task_count) {
            if (ex.live == 0)
                mote_exit(0);
            __asm__ volatile("wfi" ::: "memory");
        }
        __asm__ volatile("cpsie i" ::: "memory");
        if (id == mote_task_count || mote_task_status[id] != MOTE_TASK_LIVE)
            continue;   /* nothing to do, or a stale wake-up of a stopped task */
        mote_task_current = id;
        /* mote_poll_catching returns true for a task it poisoned, too. Mote programs
         * always define the poller (null without --panic=task); C programs may not. */
        bool (*poller)(uint32_t) = &mote_task_poller != 0 ? mote_task_poller : 0;
        bool stopped;
        if (poller != 0)
            stopped = poller(id);
        else if (mote_runtime_for_speed && &mote_poll_task != 0)
            stopped = mote_poll_task(id);
        else
            stopped = mote_tasks[id].poll(mote_tasks[id].state);
        if (stopped) {
            if (mote_task_status[id] == MOTE_TASK_LIVE)
                mote_task_status[id] = MOTE_TASK_FINISHED;
            ex.live--;
        }
    }
}
