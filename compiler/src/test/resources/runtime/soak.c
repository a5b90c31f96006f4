/*
 * Soak: 100 000 messages through two channels (producer -> relay -> consumer,
 * capacities 4 and 2) while two tasks sleep 37 us and 53 us in loops. The
 * consumer checks order and sums; exit 0 when the sum is 3 * (1 + ... + 100000).
 */
#define MOTE_TASK_SLOTS 6
#include "program_common.h"

#define MESSAGES 100000u

static MOTE_CHANNEL_STORAGE(4, 4) a;   /* zero: empty */
static MOTE_CHANNEL_STORAGE(4, 2) b;
#define A MOTE_CHANNEL_SHAPE(4, 4)
#define B MOTE_CHANNEL_SHAPE(4, 2)
static bool done;

static struct { uint32_t next; struct mote_waiter w; } prod = {1, {0}};
static bool producer(void *s)
{
    (void)s;
    for (; prod.next <= MESSAGES; prod.next++)
        if (!mote_channel_send(&a.channel, &prod.next, &prod.w, A))
            return false;
    return true;
}

static struct { uint32_t v, out; bool have; struct mote_waiter rw, sw; } relay;
static bool relay_poll(void *s)
{
    (void)s;
    for (;;) {
        if (!relay.have) {
            if (!mote_channel_recv(&a.channel, &relay.v, &relay.rw, A))
                return false;
            relay.out = relay.v * 3u;
            relay.have = true;
        }
        if (!mote_channel_send(&b.channel, &relay.out, &relay.sw, B))
            return false;
        relay.have = false;
        if (relay.v == MESSAGES)
            return true;
    }
}

static struct { uint32_t n, v; uint64_t sum; struct mote_waiter w; } cons;
static bool consumer(void *s)
{
    (void)s;
    while (cons.n < MESSAGES) {
        if (!mote_channel_recv(&b.channel, &cons.v, &cons.w, B))
            return false;
        cons.n++;
        if (cons.v != cons.n * 3u) {
            say("out of order\n");
            mote_exit(1);
        }
        cons.sum += cons.v;
    }
    done = true;
    return true;
}

struct ticker { uint32_t us, count; struct mote_timer t; };
static struct ticker t1 = {37, 0, {0}}, t2 = {53, 0, {0}};
static bool ticker(void *s)
{
    struct ticker *t = s;
    while (!done) {
        if (!mote_sleep_us(&t->t, t->us))
            return false;
        t->count++;
    }
    return true;
}

static bool main_poll(void *state)
{
    (void)state;
    static uint64_t start;
    if (start == 0) {
        start = mote_ticks_us() + 1;
        for (uint32_t i = 1; i < MOTE_TASK_SLOTS; i++)
            mote_task_claim(i, 1);
    }
    if (mote_task_status[1] == MOTE_TASK_LIVE || mote_task_status[2] == MOTE_TASK_LIVE
            || mote_task_status[3] == MOTE_TASK_LIVE) {
        mote_wake_current();
        return false;
    }
    say("sum ");
    mote_print_u64(cons.sum);
    say(" tickers ran: ");
    mote_print_bool(t1.count > 10 && t2.count > 10);
    say("\n");
    return true;
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {
    {main_poll, 0}, {producer, 0}, {relay_poll, 0}, {consumer, 0}, {ticker, &t1}, {ticker, &t2},
};
