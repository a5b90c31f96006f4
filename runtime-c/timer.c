/*
 * timer.c: the monotonic clock and the timer queue, on SysTick, tickless.
 *
 * Time is kept in core clock cycles (MOTE_CLOCK_HZ). SysTick counts down one
 * period at a time; `base` is the cycle count at the start of the current
 * period and `period` its length (LOAD + 1), so now = base + (LOAD - VAL). The
 * SysTick handler adds the period at each wrap. Each period runs to the next
 * timer deadline (or 2^24 cycles, the longest SysTick allows, when no timer is
 * pending), so the core is only interrupted when a timer expires or the
 * counter needs extending: no periodic tick, and a sleep ends on the cycle its
 * deadline falls on, not on a tick boundary.
 *
 * Reprogramming the period mid-way (a new earliest deadline, or the end of a
 * short period before a deadline) reads VAL, folds
 * the elapsed cycles into `base`, then writes LOAD and VAL: the cycles between
 * that read and the write (a few instructions; at -O 2 a sleep reads the clock
 * once, before it links its timer) are not counted, so the clock
 * can lag the core by that much per reprogramming; it never runs backwards and
 * a timer never fires before its deadline as the clock measures it.
 *
 * The clock starts on first use (ticks(), a sleep). A program that uses no
 * time links none of this file (runtime-c joins the program like an archive's
 * members: only what it calls), so its SysTick_Handler stays the default one.
 *
 * The timer queue is a singly linked list of the nodes (struct mote_timer)
 * that live in the sleeping futures' states, sorted by deadline, equal
 * deadlines in registration order. It is only touched with interrupts masked.
 *
 * One timer at a time (mote_timer_single): a program that never reads the clock
 * (no ticks(), no sleep_until) and never has two timers linked at once needs
 * neither clock nor queue. A sleep then starts SysTick for its own duration
 * and its handler stops it and wakes the sleeper, as hand-written C does. Its
 * future is a state byte (mote_single_sleep_us), not a node.
 *
 * One timer per task: timer_task.c, which a program links instead of this file.
 */
#include "mote_systick.h"

static struct {
    uint64_t base;             /* cycles at the start of the current period */
    uint32_t period;           /* LOAD + 1 */
    struct mote_timer *queue;  /* earliest deadline first */
} clk;

/* The compiler defines it (mote.mir.TimerUse): true when no two timers are ever linked at
 * once and nothing reads the clock. Weak: C programs need not define it. */
extern const bool mote_timer_single __attribute__((weak));
#define SINGLE (&mote_timer_single != 0 && mote_timer_single)

/* The compiler defines it: the longest sleep in microseconds when all are constants, else all
 * ones. When none outlasts one SysTick period, one timer at a time never counts another. */
extern const uint64_t mote_timer_longest_us __attribute__((weak));
#define SHORT_SLEEPS (&mote_timer_longest_us != 0 \
                      && mote_timer_longest_us <= (uint64_t)MAX_PERIOD * 1000000u / MOTE_CLOCK_HZ)

/* One timer at a time: the sleeping task, and the cycles it still has to wait after the
 * period SysTick is counting now (sleeps longer than 2^24 cycles take several). SysTick runs
 * exactly while the one sleep is pending: a linked sleep whose SysTick has stopped has fired. */
static struct {
    uint32_t task;
    uint64_t left;
} one;

static void program_period(uint32_t cycles)
{
    clk.period = cycles;
    systick_restart(cycles);   /* a wrap of the old period is in `base` now */
}

/* Cycles since the clock started. Interrupts masked. A wrap that happened
 * while they were masked shows as a pending SysTick: count it here too. */
static uint64_t now_cycles(void)
{
    if (!(SYST_CSR & 1u)) {
        program_period(MAX_PERIOD);
        SYST_CSR = CSR_ENABLE_TICKINT_CORE;
    }
    uint64_t base = clk.base;
    uint32_t val = SYST_CVR;
    if (SCB_ICSR & ICSR_PENDSTSET) {
        val = SYST_CVR;   /* surely after the wrap now */
        base += clk.period;
    }
    /* VAL reads 0 from a write of VAL until the reload on the next cycle, and
     * for the cycle of a wrap: both are the start of a period. */
    return val == 0 ? base : base + (clk.period - 1u - val);
}

/* Wakes the tasks of every expired timer at `now` (now_cycles(), read by the caller, an
 * instant ago at most), then runs SysTick to the next deadline. Interrupts masked. */
static inline __attribute__((always_inline)) void expire_at(uint64_t now)
{
    struct mote_timer *t;
    while ((t = clk.queue) != 0 && t->deadline <= now) {
        clk.queue = t->next;
        t->state = MOTE_NODE_FIRED;
        mote_wake_locked(t->task);   /* interrupts are masked here */
    }
    uint32_t cycles = MAX_PERIOD;
    if (t != 0 && t->deadline - now < MAX_PERIOD)
        cycles = (uint32_t)(t->deadline - now);
    if (cycles < 2u)
        cycles = 2u;  /* LOAD 0 would stop the counter */
    /* Nothing due within a full period and the counter is on full periods
     * already: leave it running (no reprogramming, so no cycles lost). */
    if (cycles == MAX_PERIOD && clk.period == MAX_PERIOD)
        return;
    clk.base = now;
    program_period(cycles);
}

/* The same, reading the clock itself: one copy of the code above for both callers. */
static void expire_and_reprogram(void)
{
    expire_at(now_cycles());
}

/* One timer at a time: counts a period of `cycles` (2 at least) from now, or of up to 2^24
 * cycles (the longest SysTick counts) with the rest left for the next periods. The rest is
 * never under 2 cycles: LOAD 0 would stop the counter. */
static inline __attribute__((always_inline)) void count_period(uint64_t cycles)
{
    uint32_t period = (uint32_t)cycles;
    if (!SHORT_SLEEPS) {
        one.left = 0;
        if (cycles > MAX_PERIOD) {
            period = cycles - MAX_PERIOD < 2u ? MAX_PERIOD - 2u : MAX_PERIOD;
            one.left = cycles - period;
        }
    }
    SYST_RVR = period - 1u;
    SYST_CVR = 0;
}

/* One timer at a time: the period ended; the timer fired unless it has more to wait. */
static inline __attribute__((always_inline)) void single_timer_tick(void)
{
    if (!SHORT_SLEEPS && one.left != 0) {
        count_period(one.left);
        return;
    }
    SYST_CSR = 0;   /* the sleep's next poll finds it fired */
    mote_wake_locked(one.task);   /* no other handler touches the timer */
}

/* One timer at a time: the poll of a sleep, as mote_sleep_us's. */
bool mote_single_sleep_us(uint8_t *state, uint64_t us)
{
    if (*state == MOTE_NODE_LINKED) {
        if (SYST_CSR & 1u)
            return false;
        *state = MOTE_NODE_IDLE;
        return true;
    }
    *state = MOTE_NODE_LINKED;
    if (us == 0) {
        /* Due now: fired at once (SysTick not started), as the queue expires a deadline already
         * past, so the next poll finds it done (a 2-cycle period could let a race's sibling win). */
        mote_wake_current();
        return false;
    }
    /* SysTick is stopped: no timer is linked. Start it last, once the sleep is recorded. */
    one.task = mote_task_current;
    uint64_t cycles = us_to_cycles(us);
    count_period(cycles < 2u ? 2u : cycles);   /* LOAD 0 would stop the counter */
    __asm__ volatile("" ::: "memory");
    SYST_CSR = CSR_ENABLE_TICKINT_CORE;
    return false;
}
/* One timer at a time: a cancelled sleep (a `race`'s losing branch) stops SysTick. */
void mote_single_timer_cancel(uint8_t *state)
{
    if (*state == MOTE_NODE_LINKED) {
        SYST_CSR = 0;
        SCB_ICSR = ICSR_PENDSTCLR;   /* a period that ended just now */
    }
    *state = MOTE_NODE_IDLE;
}

void SysTick_Handler(void)
{
    if (SINGLE) {
        single_timer_tick();
        return;
    }
    uint32_t primask = mote_irq_save();
    clk.base += clk.period;
    expire_and_reprogram();
    mote_irq_restore(primask);
}

uint64_t mote_ticks_us(void)
{
    uint32_t primask = mote_irq_save();
    uint64_t now = now_cycles();
    mote_irq_restore(primask);
#if MOTE_CLOCK_HZ % 1000000u == 0
    return now / (MOTE_CLOCK_HZ / 1000000u);
#else
    return now * 1000000u / MOTE_CLOCK_HZ;
#endif
}

/* Links `t` into the queue, earliest deadline first, on its first poll; ready once it fired.
 * Always inlined: each sleep keeps the instruction count it had (timing tests count them).
 * `at` is microseconds: from now when `relative`, else a mote_ticks_us() value. */
static inline __attribute__((always_inline)) bool sleep_to(struct mote_timer *t, uint64_t at, bool relative)
{
    if (t->state == MOTE_NODE_FIRED) {
        t->state = MOTE_NODE_IDLE;
        return true;
    }
    if (t->state == MOTE_NODE_LINKED)
        return false;
    uint32_t primask = mote_irq_save();
    uint64_t now = relative || mote_runtime_for_speed ? now_cycles() : 0;
    t->deadline = relative ? now + us_to_cycles(at) : us_to_cycles(at);
    t->task = (uint16_t)mote_current_task();
    t->state = MOTE_NODE_LINKED;
    struct mote_timer **link = &clk.queue;
    while (*link != 0 && (*link)->deadline <= t->deadline)
        link = &(*link)->next;
    t->next = *link;
    *link = t;
    if (clk.queue == t) {
        /* The new earliest deadline (maybe already due). Reading the clock once saves
         * instructions at -O 2, and a few bytes of flash to read it again. */
        if (mote_runtime_for_speed)
            expire_at(now);
        else
            expire_and_reprogram();
    }
    mote_irq_restore(primask);
    return false;
}

bool mote_sleep_us(struct mote_timer *t, uint64_t us)
{
    return sleep_to(t, us, true);
}

bool mote_sleep_until_us(struct mote_timer *t, uint64_t at)
{
    return sleep_to(t, at, false);
}

void mote_timer_cancel(struct mote_timer *t)
{
    uint32_t primask = mote_irq_save();
    if (t->state == MOTE_NODE_LINKED) {
        struct mote_timer **link = &clk.queue;
        while (*link != t)
            link = &(*link)->next;
        *link = t->next;
    }
    /* The period programmed for it, if it was first, just ends early and
     * finds nothing to expire. */
    t->state = MOTE_NODE_IDLE;
    mote_irq_restore(primask);
}
