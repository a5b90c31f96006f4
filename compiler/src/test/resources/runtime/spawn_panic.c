/* `task(1) fn idle()` spawned twice: the second `spawn` panics (the check is
 * in compiled code, which knows the source location), exit 101. */
#define MOTE_TASK_SLOTS 2
#include "program_common.h"

static bool idle_poll(void *state)
{
    (void)state;
    return false;
}

static void spawn_idle(void)
{
    if (mote_task_claim(1, 1) < 0)
        mote_panic("task pool exhausted", "pool.mote:3:5");
}

static bool main_poll(void *state)
{
    (void)state;
    spawn_idle();
    say("first spawn ok\n");
    spawn_idle();
    say("unreachable\n");
    return true;
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {{main_poll, 0}, {idle_poll, 0}};
