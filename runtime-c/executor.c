/*
 * executor.c: runs the program's tasks.
 *
 * Today there is one task, the main task (id 0), so the ready set is a single
 * bit. The shape is already that of a multi-task executor: a ready bitmask
 * indexed by task id, the id of the task being polled (what
 * mote_wake_current() marks), and a loop that polls ready tasks and sleeps in
 * WFI when none is. Growing it means a poll function per task slot
 * (mote_task_count of them) and a mote_wake(task id) for interrupt handlers.
 */
#include "mote_rt.h"

#define MAIN_TASK 0u

/* Bit i set: task i should be polled. Written from interrupt handlers too. */
static volatile uint32_t ready_tasks;
static uint32_t current_task;

void mote_wake_current(void)
{
    uint32_t primask = mote_irq_save();
    ready_tasks |= 1u << current_task;
    mote_irq_restore(primask);
}

/* Clears and returns the ready bit of `task`, with interrupts masked so a wake
 * from an interrupt handler is never lost between the read and the write. */
static bool take_ready(uint32_t task)
{
    uint32_t primask = mote_irq_save();
    bool ready = (ready_tasks & (1u << task)) != 0;
    ready_tasks &= ~(1u << task);
    mote_irq_restore(primask);
    return ready;
}

/* Sleeps until an interrupt arrives, unless a task became ready meanwhile.
 * WFI with PRIMASK set still wakes on a pending interrupt, which then runs
 * right after `cpsie i`: no wake-up can slip between the check and the WFI. */
static void wait_for_work(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
    if (ready_tasks == 0)
        __asm__ volatile("wfi" ::: "memory");
    __asm__ volatile("cpsie i" ::: "memory");
}

_Noreturn void mote_executor_run(void)
{
    mote_program_init();
    ready_tasks = 1u << MAIN_TASK;
    for (;;) {
        if (take_ready(MAIN_TASK)) {
            int32_t exit_code = 0;
            current_task = MAIN_TASK;
            if (mote_program_poll_main(&exit_code))
                mote_exit(exit_code);
            continue;
        }
        wait_for_work();
    }
}
