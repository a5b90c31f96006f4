/*
 * timer_task.c: a few timers per task, on SysTick, tickless.
 *
 * A program that never reads the clock (no ticks(), no sleep_until), whose every sleep is
 * bounded to 2 s (mote.opt.TaskTimers), calls mote_task_sleep_us and so links this file
 * instead of timer.c: no queue of nodes. Each timer has a 32-bit deadline
 * (mote_task_deadlines) and a bit in `tasks.sleeping`; the clock is 32 bits of core cycles,
 * compared modulo 2^32 (every deadline is under 2^31 cycles away), and SysTick stops once no
 * timer runs. Each expiry scans the running timers for the due ones and the next deadline, as
 * hand-written C sweeps its tasks.
 *
 * Where no task instance can have two sleeps pending at once, timer n is task slot n's.
 * Where one can (a `join` of sleeps, a `race` of a sleeping call against a timeout), the
 * compiler counts how many at most and gives each task slot that many timers (the tables
 * below); a sleep takes a free one of its task's when it starts and gives it back when it
 * ends or is cancelled. A sleep's future is its state byte: idle (0), or which of its task's
 * timers it holds, plus one.
 */
#include "mote_systick.h"

/* Each timer's deadline in cycles: the compiler defines it, one per task slot or, where tasks
 * have several timers, one per timer. */
extern uint32_t mote_task_deadlines[];

/* Defined by Mote programs: whether some task has several timers. Then task slot t's timers
 * are [mote_timer_first[t], mote_timer_first[t + 1]) (the last entry is the timer count) and
 * timer n belongs to task slot mote_timer_owner[n]. Weak: C programs need not define them
 * (one timer per task slot). */
extern const bool mote_timers_several __attribute__((weak));
extern const uint8_t mote_timer_first[] __attribute__((weak));
extern const uint8_t mote_timer_owner[] __attribute__((weak));

static bool several(void) { return &mote_timers_several != 0 && mote_timers_several; }

/* The 32-bit clock (as timer.c's, without the queue) and the running timers. `sleeping` is
 * volatile: a sleep's poll reads it while SysTick may clear its bit. The current period's
 * length is SysTick's LOAD + 1 (systick_restart sets it): a word of RAM less. */
static struct {
    uint32_t base;
    volatile uint32_t sleeping;   /* bit n: timer n waits for mote_task_deadlines[n] */
} tasks;

/* Several timers per task only (else the optimiser drops it): the timers sleeps hold,
 * running or expired but not yet seen by their sleep's poll. Only thread mode writes it. */
static uint32_t taken;

/* The polling task's first timer. */
static uint32_t first_timer(void)
{
    return several() ? mote_timer_first[mote_task_current] : mote_task_current;
}

/* The bit of the timer a sleep's state byte holds (with one timer per task, the task's). */
static uint32_t held_bit(uint8_t state)
{
    return 1u << (several() ? first_timer() + state - 1u : mote_task_current);
}

static uint32_t period(void) { return SYST_RVR + 1u; }

/* Per-task timers: cycles since SysTick started (it starts here when stopped), modulo 2^32.
 * Interrupts masked, or in the SysTick handler; a wrap while they were masked shows as a
 * pending SysTick. */
static uint32_t task_clock(void)
{
    if (!(SYST_CSR & 1u)) {
        systick_restart(MAX_PERIOD);
        SYST_CSR = CSR_ENABLE_TICKINT_CORE;
    }
    uint32_t base = tasks.base;
    uint32_t val = SYST_CVR;
    if (SCB_ICSR & ICSR_PENDSTSET) {
        val = SYST_CVR;
        base += period();
    }
    return val == 0 ? base : base + (period() - 1u - val);
}

/* Per-task timers: wakes the tasks whose deadline has come, then runs SysTick to the next one,
 * or stops it when no task sleeps. Interrupts masked, or in the SysTick handler (which no
 * other handler preempts to touch the timers). */
static void expire_tasks(void)
{
    uint32_t now = task_clock();
    uint32_t next = MAX_PERIOD;
    uint32_t sleeping = tasks.sleeping;
    uint32_t timers = several() ? mote_timer_first[mote_task_count] : mote_task_count;
    for (uint32_t id = 0; id < timers; id++) {
        if (!(sleeping & 1u << id))
            continue;
        uint32_t left = mote_task_deadlines[id] - now;
        if ((int32_t)left <= 0) {
            sleeping &= ~(1u << id);
            mote_wake_locked(several() ? mote_timer_owner[id] : id);
        } else if (left < next) {
            next = left;
        }
    }
    tasks.sleeping = sleeping;
    if (sleeping == 0) {
        SYST_CSR = 0;
        SCB_ICSR = ICSR_PENDSTCLR;   /* a period that ended just now */
        return;
    }
    if (next == MAX_PERIOD && period() == MAX_PERIOD)
        return;   /* on full periods already: no reprogramming, no cycles lost */
    tasks.base = now;
    systick_restart(next < 2u ? 2u : next);   /* LOAD 0 would stop the counter */
}

bool mote_task_sleep_us(uint8_t *state, uint32_t us)
{
    if (*state != MOTE_NODE_IDLE) {
        uint32_t bit = held_bit(*state);
        if (tasks.sleeping & bit)
            return false;
        if (several())
            taken &= ~bit;
        *state = MOTE_NODE_IDLE;
        return true;
    }
    uint32_t primask = mote_irq_save();
    uint32_t first = first_timer(), timer = first;
    if (several()) {
        while (taken & 1u << timer)
            timer++;
        /* The compiler counted the sleeps a task can have pending at once: never past its own. */
        if (timer >= mote_timer_first[mote_task_current + 1u])
            __builtin_trap();
        taken |= 1u << timer;
    }
    /* TaskTimers.LONGEST_US at 1 GHz at most: under 2^31 cycles. */
    mote_task_deadlines[timer] = task_clock() + (uint32_t)us_to_cycles(us);
    tasks.sleeping |= 1u << timer;
    *state = several() ? (uint8_t)(timer - first + 1u) : MOTE_NODE_LINKED;
    expire_tasks();   /* maybe the earliest deadline now, maybe due already */
    mote_irq_restore(primask);
    return false;
}

void mote_task_timer_cancel(uint8_t *state)
{
    if (*state != MOTE_NODE_IDLE) {
        uint32_t bit = held_bit(*state);
        uint32_t primask = mote_irq_save();
        tasks.sleeping &= ~bit;
        mote_irq_restore(primask);
        if (several())
            taken &= ~bit;
    }
    /* The period programmed for it ends early and finds nothing due. */
    *state = MOTE_NODE_IDLE;
}

/* Unmasked: thread mode changes the timers with interrupts masked, and no other handler
 * touches them (handlers only wake tasks, a byte store). */
void SysTick_Handler(void)
{
    tasks.base += period();
    expire_tasks();
}
