/*
 * executor.c: the single-threaded executor that polls the program's tasks.
 *
 * All storage is the program's: the task table mote_tasks (poll function and
 * state per slot), mote_task_status (one byte per slot) and the ready flags
 * mote_task_ready (one byte per slot), each sized by the compiler; the runtime
 * has no maximum. Slot 0 is `main`.
 *
 * The executor sweeps the slots in order, polling each one whose ready flag is
 * set, and starts the sweep again while any poll happened. Because each flag is
 * read afresh when the sweep reaches it, the order is round robin from the task
 * after the last one polled: a task that keeps yielding cannot starve the others.
 *
 * Interrupt safety: mote_wake may run in any interrupt handler. A wake-up is a
 * single byte store of 1, and only the executor clears a flag (before the poll it
 * stands for), so neither side needs a critical section: a wake-up that lands
 * between the executor's read and its clear is served by the poll that follows.
 * Interrupts are masked only to decide to sleep. Handlers never touch
 * mote_task_status.
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

/* Mote programs define it (mote.llvm.TaskTable): true when polling a task that is not LIVE is
 * harmless, so the sweep need not look at the status first. A task that finished answers
 * Pending without doing anything, and a slot never started is never woken. Weak: C programs
 * need not define it. */
extern const bool mote_stale_polls_harmless __attribute__((weak));

/* The id of the task being polled: a global of its own, under a name a debugger can find
 * (qemu/gdbinit's `mote-task` reads it). Whole-program optimisation splits a struct of
 * globals into one global per field anyway, so this costs nothing. */
uint32_t mote_task_current;

/* LIVE slots: the program ends when none is left and nothing is ready. */
static uint32_t live_tasks;

/* Mote programs define it: true when main returns an exit code, which ends the program (its
 * task wrapper calls mote_exit), so no count of live tasks can reach 0 first. The count and,
 * where nothing else reads it, the status array are then only written, and the whole-program
 * optimiser drops them. Weak: C programs need not define it. */
extern const bool mote_main_exits __attribute__((weak));
#ifdef MOTE_WHOLE_PROGRAM
#define MAIN_EXITS (&mote_main_exits != 0 && mote_main_exits)
#else
#define MAIN_EXITS 0   /* compiled apart from the program (-O 0): testing costs more than counting */
#endif

/* No task is ever left POISONED (no --panic=task poller): a stopped task's status needs no
 * test first. Only where the poller is known: compiled apart, the test stays. */
#ifdef MOTE_WHOLE_PROGRAM
#define NEVER_POISONED (poller == 0)
#else
#define NEVER_POISONED 0
#endif

/* One task: the sweep has one slot, known before the loop is simplified, so its poll is
 * direct and may be inlined. Only where the count is a constant (C programs linking
 * runtime-c's objects do not know it). */
#ifdef MOTE_WHOLE_PROGRAM
#define ONE_TASK (mote_task_count == 1u)
#else
#define ONE_TASK 0
#endif

#ifdef MOTE_WHOLE_PROGRAM
/* Weak: the whole-program link sets it from what the program does (see mote_rt.h). */
__attribute__((weak)) const bool mote_handlers_use_runtime = true;
#endif

/* The flags are shared with interrupt handlers: volatile (a plain ldrb/strb; v6-M has no
 * lock-free atomics to ask for) makes the optimiser read each one afresh, where it would
 * otherwise keep a value from before a poll it has inlined and can see does not set it. */
static inline bool is_ready(uint32_t id)
{
    return ((volatile uint8_t *)mote_task_ready)[id] != 0;
}

static inline void set_ready(uint32_t id, uint8_t flag)
{
    ((volatile uint8_t *)mote_task_ready)[id] = flag;
}

void mote_wake_locked(uint32_t id)
{
    set_ready(id, 1);
}

void mote_wake(uint32_t id)
{
    set_ready(id, 1);
}

void mote_wake_current(void)
{
    set_ready(mote_task_current, 1);
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
    if (!MAIN_EXITS)
        live_tasks++;
    set_ready(id, 1);
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

/* One slot of the sweep: polls task `slot` if its flag is set, clearing the flag first.
 * A macro, not a function: a debugger's backtrace then ends in the task's poll and
 * mote_executor_run, with no inlined frame between. */
#define SWEEP_SLOT(slot)                                                                   \
    do {                                                                                   \
        uint32_t id = (slot);                                                              \
        if (id < mote_task_count && is_ready(id)) {                                        \
            set_ready(id, 0);                                                              \
            polled = true;                                                                 \
            /* A stale wake-up of a stopped task is dropped, unless polling it is harmless. */ \
            if (!check_status || mote_task_status[id] == MOTE_TASK_LIVE) {                \
                mote_task_current = id;                                                    \
                bool stopped;                                                              \
                if (poller != 0)                                                           \
                    stopped = poller(id);                                                  \
                else if (mote_runtime_for_speed && &mote_poll_task != 0)                   \
                    stopped = mote_poll_task(id);                                          \
                else                                                                       \
                    stopped = mote_tasks[id].poll(mote_tasks[id].state);                   \
                if (stopped) {                                                             \
                    if (ONE_TASK)   /* main was the program's only task: none is left */   \
                        mote_exit(0);                                                      \
                    /* only a panic caught by the poller leaves a slot POISONED */       \
                    if (NEVER_POISONED || mote_task_status[id] == MOTE_TASK_LIVE)         \
                        mote_task_status[id] = MOTE_TASK_FINISHED;                         \
                    if (count_live)                                                        \
                        live_tasks--;                                                      \
                }                                                                          \
            }                                                                              \
        }                                                                                  \
    } while (0)

_Noreturn void mote_executor_run(void)
{
#ifdef __GCC_HAVE_DWARF2_CFI_ASM
    /* The outermost frame for a debugger: this never returns, so it saves no return address,
     * and gdb would otherwise unwind into itself ("previous frame identical"). Emits no code. */
    __asm__(".cfi_undefined lr");
#endif
    /* mote_poll_catching returns true for a task it poisoned, too. Mote programs always
     * define the poller (null without --panic=task); C programs may not. */
    bool (*const poller)(uint32_t) = &mote_task_poller != 0 ? mote_task_poller : 0;
    const bool check_status = &mote_stale_polls_harmless == 0 || !mote_stale_polls_harmless;
    mote_task_status[MAIN_TASK] = MOTE_TASK_LIVE;
    const bool count_live = !MAIN_EXITS;
    live_tasks = 1;
    set_ready(MAIN_TASK, 1);
    for (;;) {
        bool polled = false;
#ifdef MOTE_FOR_SPEED
        /* Built for speed, the first 16 slots are swept written out: the task count is a
         * constant of the whole program, so the slots past it fold away and each one left
         * polls its task directly, inlined, with no loop counter. */
        SWEEP_SLOT(0); SWEEP_SLOT(1); SWEEP_SLOT(2); SWEEP_SLOT(3);
        SWEEP_SLOT(4); SWEEP_SLOT(5); SWEEP_SLOT(6); SWEEP_SLOT(7);
        SWEEP_SLOT(8); SWEEP_SLOT(9); SWEEP_SLOT(10); SWEEP_SLOT(11);
        SWEEP_SLOT(12); SWEEP_SLOT(13); SWEEP_SLOT(14); SWEEP_SLOT(15);
        for (uint32_t slot = 16; slot < mote_task_count; slot++)
            SWEEP_SLOT(slot);
#else
        for (uint32_t slot = 0; slot < mote_task_count; slot++)
            SWEEP_SLOT(ONE_TASK ? MAIN_TASK : slot);
#endif
        if (polled)
            continue;
        /* Checking for work and sleeping happen with interrupts masked: WFI still wakes on a
         * pending interrupt, whose handler runs right after `cpsie i`, so a wake-up cannot
         * slip in between and be slept through. */
        __asm__ volatile("cpsid i" ::: "memory");
        bool ready = false;
        for (uint32_t id = 0; id < mote_task_count && !ready; id++)
            ready = is_ready(id);
        if (!ready) {
            if (!ONE_TASK && count_live && live_tasks == 0)
                mote_exit(0);
            __asm__ volatile("wfi" ::: "memory");
        }
        __asm__ volatile("cpsie i" ::: "memory");
    }
}
