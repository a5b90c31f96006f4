/*
 * Channel back-pressure both ways, capacity 2: a fast producer feeding a slow
 * consumer (who sleeps 1 ms per item: the producer blocks on a full channel),
 * then a slow producer (1 ms per item) feeding a fast consumer (who blocks on
 * an empty one). Each line carries the time in ms since the start.
 */
#define MOTE_TASK_SLOTS 3
#include "program_common.h"

static MOTE_CHANNEL_STORAGE(sizeof(uint32_t), 2) ch;   /* zero: empty */
#define CH MOTE_CHANNEL_SHAPE(sizeof(uint32_t), 2)
static uint64_t t0;
static uint32_t phase;   /* 0: fast producer, 1: slow producer */

static void event(const char *who, uint32_t v)
{
    mote_print_u64((mote_ticks_us() - t0) / 1000u);
    say(" ms ");
    say(who);
    mote_print_u64(v);
    say("\n");
}

struct producer { uint32_t next; struct mote_waiter w; struct mote_timer t; };
static struct producer prod;

static bool producer_poll(void *state)
{
    struct producer *p = state;
    while (p->next <= 5) {
        if (phase == 1 && !mote_sleep_us(&p->t, 1000))
            return false;
        if (!mote_channel_send(&ch.channel, &p->next, &p->w, CH)) {
            if (phase == 0)
                event("producer blocked before ", p->next);
            return false;
        }
        event("sent ", p->next);
        p->next++;
    }
    return true;
}

struct consumer { uint32_t got, item; struct mote_waiter w; struct mote_timer t; bool have; };
static struct consumer cons;

static bool consumer_poll(void *state)
{
    struct consumer *c = state;
    while (c->got < 5) {
        if (!c->have) {
            if (!mote_channel_recv(&ch.channel, &c->item, &c->w, CH)) {
                if (phase == 1)
                    event("consumer blocked after ", c->got);
                return false;
            }
            c->have = true;
            event("received ", c->item);
        }
        if (phase == 0 && !mote_sleep_us(&c->t, 1000))
            return false;
        c->have = false;
        c->got++;
    }
    return true;
}

static bool main_poll(void *state)
{
    (void)state;
    static struct mote_timer pause;
    static bool started;
    for (;;) {
        if (mote_task_status[1] != MOTE_TASK_LIVE && mote_task_status[2] != MOTE_TASK_LIVE) {
            if (started)
                phase++;
            if (phase == 2)
                mote_exit(0);
            started = true;
            say(phase == 0 ? "fast producer, slow consumer\n" : "slow producer, fast consumer\n");
            prod.next = 1;
            cons.got = 0;
            t0 = mote_ticks_us();
            mote_task_claim(1, 1);
            mote_task_claim(2, 1);
        }
        if (!mote_sleep_us(&pause, 100000))   /* main checks back every 100 ms */
            return false;
    }
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {
    {main_poll, 0}, {producer_poll, &prod}, {consumer_poll, &cons},
};
