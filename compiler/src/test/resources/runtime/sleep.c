/*
 * Timer order and elapsed time: tasks sleeping 3, 1 and 2 ms (started in that
 * order) wake in the order 1, 2, 3, each after its own time as ticks() measures
 * it; then one task sleeps 1 us, 1500 us, and 0 us in a loop of its own.
 * `async fn main()` returns nothing: the program exits 0 when all are done.
 */
#define MOTE_TASK_SLOTS 5
#include "program_common.h"

static uint64_t t0;

struct sleeper { uint32_t ms; struct mote_timer timer; };
static struct sleeper sleepers[3] = {{3, {0}}, {1, {0}}, {2, {0}}};

static void print_elapsed(const char *what, uint64_t start)
{
    say(what);
    mote_print_u64(mote_ticks_us() - start);
    say(" us\n");
}

static bool sleeper_poll(void *state)
{
    struct sleeper *s = state;
    if (!mote_sleep_us(&s->timer, s->ms * 1000u))
        return false;
    say("slept ");
    mote_print_u64(s->ms);
    print_elapsed(" ms: woke after ", t0);
    return true;
}

static struct { uint32_t step; uint64_t start; struct mote_timer timer; } solo;
static const uint32_t solo_us[] = {1, 1500, 0, 20000000};

static bool solo_poll(void *state)
{
    (void)state;
    while (solo.step < sizeof solo_us / sizeof solo_us[0]) {
        if (solo.timer.state == MOTE_NODE_IDLE)
            solo.start = mote_ticks_us();
        if (!mote_sleep_us(&solo.timer, solo_us[solo.step]))
            return false;
        say("solo ");
        mote_print_u64(solo_us[solo.step]);
        print_elapsed(" us: ", solo.start);
        solo.step++;
    }
    return true;
}

static bool main_poll(void *state)
{
    (void)state;
    t0 = mote_ticks_us();
    for (uint32_t i = 0; i < 4; i++)
        mote_task_claim(1 + i, 1);
    say("main done\n");
    return true;
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {
    {main_poll, 0}, {sleeper_poll, &sleepers[0]}, {sleeper_poll, &sleepers[1]},
    {sleeper_poll, &sleepers[2]}, {solo_poll, 0},
};
