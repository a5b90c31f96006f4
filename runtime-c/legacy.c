/*
 * legacy.c: runs programs of the first, single-task ABI (mote_program_init +
 * mote_program_poll_main, no task table) on the multi-task executor.
 *
 * Everything here is weak: a program that emits mote_tasks, mote_task_status
 * and mote_task_ready replaces these definitions, and --gc-sections then drops
 * legacy_poll_main (nothing references it any more).
 */
#include "mote_rt.h"

extern void mote_program_init(void) __attribute__((weak));
extern bool mote_program_poll_main(int32_t *exit_code) __attribute__((weak));

static bool legacy_poll_main(void *state)
{
    (void)state;
    static bool started;
    if (!started) {
        started = true;
        mote_program_init();
    }
    int32_t exit_code = 0;
    if (mote_program_poll_main(&exit_code))
        mote_exit(exit_code);
    return false;
}

__attribute__((weak)) const struct mote_task mote_tasks[1] = {{legacy_poll_main, 0}};
__attribute__((weak)) uint8_t mote_task_status[1];
__attribute__((weak)) volatile uint32_t mote_task_ready[1];
