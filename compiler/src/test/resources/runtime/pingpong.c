/*
 * The cost of a task switch: main and one other task each `yield_now()`
 * ROUNDS times, alternating; under -icount shift=0 one instruction is 1 ns, so
 * the elapsed microseconds times 1000 over the number of polls is the
 * instructions per switch (poll + yield + executor round trip). A loop of the
 * same length with no switching is timed too and subtracted.
 */
#define MOTE_TASK_SLOTS 2
#include "program_common.h"

#define ROUNDS 20000u

static uint32_t polls[2];

static bool yielder(void *state)
{
    uint32_t *n = state;
    if (++*n < ROUNDS) {
        mote_wake_current();
        return false;
    }
    return true;
}

static bool main_poll(void *state)
{
    static uint64_t start;
    if (polls[0] == 0) {
        /* The bare loop: the same counter and call, no executor in between. */
        uint32_t n = 0;
        uint64_t t = mote_ticks_us();
        while (!yielder(&n))
            ;
        uint64_t bare = mote_ticks_us() - t;
        say("bare loop us: ");
        mote_print_u64(bare);
        say("\n");
        mote_task_claim(1, 1);
        start = mote_ticks_us();
    }
    if (!yielder(state))
        return false;
    say("switch loop us: ");
    mote_print_u64(mote_ticks_us() - start);
    say(" polls: ");
    mote_print_u64(polls[0] + polls[1]);
    say("\n");
    return true;
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {{main_poll, &polls[0]}, {yielder, &polls[1]}};
