/*
 * --panic=task: the program defines mote_task_poller. Worker 2 panics inside
 * `critical { }` while waiting on a channel and a timer (its nodes stay
 * linked); workers 1 and 3 go on and finish, the channel skips the poisoned
 * waiter, and the poisoned slot is never polled again (the live ones are polled
 * once more when it stops). Then main panics:
 * exit 101.
 */
#define MOTE_TASK_SLOTS 4
#include "program_common.h"

bool (*const mote_task_poller)(uint32_t) = mote_poll_catching;

static MOTE_CHANNEL_STORAGE(sizeof(uint32_t), 1) ch;   /* zero: empty */
#define CH MOTE_CHANNEL_SHAPE(sizeof(uint32_t), 1)

struct worker { uint32_t id, polls, item; struct mote_waiter w; struct mote_timer t; };
static struct worker workers[3] = {{.id = 1}, {.id = 2}, {.id = 3}};

static bool worker_poll(void *state)
{
    struct worker *w = state;
    w->polls++;
    say("worker ");
    mote_print_u64(w->id);
    say(" poll ");
    mote_print_u64(w->polls);
    say("\n");
    if (w->id == 2 && w->polls == 2) {
        uint32_t primask = mote_critical_enter();
        mote_panic("worker 2 failed", "w.mote:9:13");
        mote_critical_exit(primask);
    }
    /* join { v = ch.recv().await; } and { sleep_us(100 * id).await; } */
    bool slept = mote_sleep_us(&w->t, 100u * w->id) || w->t.state == MOTE_NODE_IDLE;
    if (w->w.state != MOTE_NODE_IDLE || w->item == 0) {
        if (!mote_channel_recv(&ch.channel, &w->item, &w->w, CH))
            return false;
    }
    if (!slept)
        return false;
    say("worker ");
    mote_print_u64(w->id);
    say(" got ");
    mote_print_u64(w->item);
    say("\n");
    return true;
}

static bool main_poll(void *state)
{
    (void)state;
    static uint32_t step, next = 10;
    static struct mote_timer t;
    if (step == 0) {
        for (uint32_t i = 1; i <= 3; i++)
            mote_task_claim(i, 1);
        step = 1;
    }
    while (next <= 12) {
        if (!mote_sleep_us(&t, 1000))
            return false;
        say("send ");
        mote_print_u64(next);
        say("\n");
        mote_channel_try_send(&ch.channel, &next, CH);
        next++;
    }
    say("status");
    for (uint32_t i = 1; i <= 3; i++) {
        say(" ");
        mote_print_u64(mote_task_status[i]);
    }
    say("\n");
    mote_panic("main failed", "m.mote:1:1");
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {
    {main_poll, 0}, {worker_poll, &workers[0]}, {worker_poll, &workers[1]}, {worker_poll, &workers[2]},
};
