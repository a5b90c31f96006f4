/*
 * `async fn main()` returning nothing: it spawns two tasks of a pool of two
 * and finishes at once; a third `spawn` panics "task pool exhausted" (the check
 * is in compiled code, which knows the source location) unless `try_spawn`
 * (spawn_panic.c).
 * The program exits 0 when both tasks have finished.
 */
#define MOTE_TASK_SLOTS 3
#include "program_common.h"

struct blink { uint32_t id, polls; };
static struct blink blinks[2];

static bool blink_poll(void *state)
{
    struct blink *b = state;
    say("blink ");
    mote_print_u64(b->id);
    say(" poll ");
    mote_print_u64(++b->polls);
    say("\n");
    if (b->polls < 2 + b->id) {
        mote_wake_current();
        return false;
    }
    return true;
}

static void spawn_blink(uint32_t id)
{
    int32_t slot = mote_task_claim(1, 2);
    if (slot < 0)
        mote_panic("task pool exhausted", "unit.mote:7:5");
    struct blink *b = mote_tasks[slot].state;
    b->id = id;
    b->polls = 0;
}

static bool main_poll(void *state)
{
    (void)state;
    spawn_blink(0);
    spawn_blink(1);
    say("try_spawn: ");
    mote_print_bool(mote_task_claim(1, 2) >= 0);
    say("\n");
    say("main done\n");
    return true;
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {
    {main_poll, 0}, {blink_poll, &blinks[0]}, {blink_poll, &blinks[1]},
};
