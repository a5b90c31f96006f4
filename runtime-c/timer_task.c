/*
 * timer_task.c: one timer per task, on SysTick, tickless.
 *
 * A program that never reads the clock (no ticks(), no sleep_until) and whose tasks each have
 * one sleep pending at most, every sleep a constant of 2 s at most (mote.opt.TaskTimers),
 * calls mote_task_sleep_us and so links this file instead of timer.c: no queue of nodes. Each
 * task slot has a 32-bit deadline (mote_task_deadlines) and a bit in `tasks.sleeping`; the
 * clock is 32 bits of core cycles, compared modulo 2^32 (every deadline is under 2^31 cycles
 * away), and SysTick stops once no task sleeps. Each expiry scans the sleeping tasks
 * for the due ones and the next deadline, as hand-written C sweeps its tasks. A sleep's future
 * is its state byte: idle, or linked while its task's bit is set.
 */
#include "mote_systick.h"

/* Each task slot's deadline in cycles, [mote_task_count]: the compiler defines it. */
extern uint32_t mote_task_deadlines[];

/* The 32-bit clock (as timer.c's, without the queue) and the sleeping tasks. `sleeping` is
 * volatile: a sleep's poll reads it while SysTick may clear its bit. The current period's
 * length is SysTick's LOAD + 1 (program_period writes both at once): a word of RAM less. */
static struct {
    uint32_t base;
    volatile uint32_t sleeping;   /* bit n: task n waits for mote_task_deadlines[n] */
} tasks;

static uint32_t period(void) { return SYST_RVR + 1u; }

/* Per-task timers: cycles since SysTick started (it starts here when stopped), modulo 2^32.
 * Interrupts masked; a wrap while they were masked shows as a pending SysTick. */
static void program_period(uint32_t cycles)
{
    systick_restart(cycles);
}

static uint32_t task_clock(void)
{
    if (!(SYST_CSR & 1u)) {
        program_period(MAX_PERIOD);
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
 * or stops it when no task sleeps. Interrupts masked. */
static void expire_tasks(void)
{
    uint32_t now = task_clock();
    uint32_t next = MAX_PERIOD;
    uint32_t sleeping = tasks.sleeping;
    for (uint32_t id = 0; id < mote_task_count; id++) {
        if (!(sleeping & 1u << id))
            continue;
        uint32_t left = mote_task_deadlines[id] - now;
        if ((int32_t)left <= 0) {
            sleeping &= ~(1u << id);
            mote_wake_locked(id);
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
    program_period(next < 2u ? 2u : next);   /* LOAD 0 would stop the counter */
}

bool mote_task_sleep_us(uint8_t *state, uint32_t us)
{
    uint32_t bit = 1u << mote_task_current;
    if (*state != MOTE_NODE_IDLE) {
        if (tasks.sleeping & bit)
            return false;
        *state = MOTE_NODE_IDLE;
        return true;
    }
    uint32_t primask = mote_irq_save();
    /* TaskTimers.LONGEST_US at 1 GHz at most: under 2^31 cycles. */
    mote_task_deadlines[mote_task_current] = task_clock() + (uint32_t)us_to_cycles(us);
    tasks.sleeping |= bit;
    *state = MOTE_NODE_LINKED;
    expire_tasks();   /* maybe the earliest deadline now, maybe due already */
    mote_irq_restore(primask);
    return false;
}

void mote_task_timer_cancel(uint8_t *state)
{
    if (*state != MOTE_NODE_IDLE) {
        uint32_t primask = mote_irq_save();
        tasks.sleeping &= ~(1u << mote_task_current);
        mote_irq_restore(primask);
    }
    /* The period programmed for it ends early and finds nothing due. */
    *state = MOTE_NODE_IDLE;
}

void SysTick_Handler(void)
{
    uint32_t primask = mote_irq_save();
    tasks.base += period();
    expire_tasks();
    mote_irq_restore(primask);
}
