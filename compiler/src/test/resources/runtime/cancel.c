/*
 * Cancellation and interrupts:
 * 1. r1 races a receive against a 500 us sleep; the sleep wins and the receive
 *    is cancelled. An item sent at 1 ms goes to r2, who waits behind r1.
 * 2. r3 and r4 wait to receive; an item notifies r3, whose race is abandoned
 *    before it runs (the other branch won in the same poll): the notification
 *    passes to r4, who gets the item.
 * 3. main waits on a Signal<u32> raised twice from an interrupt handler
 *    (external IRQ 0, pended through NVIC ISPR): it reads the later value.
 */
#define MOTE_TASK_SLOTS 5
#include "program_common.h"

#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define NVIC_ISPR0 (*(volatile uint32_t *)0xE000E200u)

static MOTE_CHANNEL_STORAGE(sizeof(uint32_t), 2) ch;   /* zero: empty */
#define CH MOTE_CHANNEL_SHAPE(sizeof(uint32_t), 2)
static MOTE_SIGNAL_STORAGE(sizeof(uint32_t)) sig;
#define SIG sizeof(uint32_t)   /* a signal's calls take its value's size */
static bool abandon_r3;

struct receiver { const char *name; uint32_t item; struct mote_waiter w; struct mote_timer t; };
static struct receiver r1 = {.name = "r1"}, r2 = {.name = "r2"}, r3 = {.name = "r3"}, r4 = {.name = "r4"};

static bool report(struct receiver *r)
{
    say(r->name);
    say(" got ");
    mote_print_u64(r->item);
    say("\n");
    return true;
}

/* race { v = ch.recv().await; } or { sleep_us(500).await; } */
static bool r1_poll(void *state)
{
    struct receiver *r = state;
    if (mote_channel_recv(&ch.channel, &r->item, &r->w, CH)) {
        mote_timer_cancel(&r->t);
        return report(r);
    }
    if (mote_sleep_us(&r->t, 500)) {
        mote_channel_cancel(&ch.channel, &r->w, CH);
        say("r1 timed out\n");
        return true;
    }
    return false;
}

static bool plain_recv_poll(void *state)
{
    struct receiver *r = state;
    return mote_channel_recv(&ch.channel, &r->item, &r->w, CH) && report(r);
}

/* race { v = ch.recv().await; } or { <a branch that wins when abandon_r3> } */
static bool r3_poll(void *state)
{
    struct receiver *r = state;
    if (abandon_r3) {
        mote_channel_cancel(&ch.channel, &r->w, CH);
        say("r3 abandoned its receive\n");
        return true;
    }
    return mote_channel_recv(&ch.channel, &r->item, &r->w, CH) && report(r);
}

void mote_irq_0(void)
{
    static const uint32_t first = 1, second = 1234;
    mote_signal_raise((struct mote_channel *)&sig, &first, SIG);
    mote_signal_raise((struct mote_channel *)&sig, &second, SIG);
}

static bool main_poll(void *state)
{
    (void)state;
    static uint32_t step;
    static struct mote_timer t;
    static struct mote_waiter w;
    static uint32_t got;
    uint32_t item;
    switch (step) {
    case 0:
        mote_task_claim(1, 1);   /* r1, then r2 */
        mote_task_claim(2, 1);
        step = 1;
        /* fall through */
    case 1:
        if (!mote_sleep_us(&t, 1000))
            return false;
        item = 42;
        mote_channel_try_send(&ch.channel, &item, CH);
        mote_task_claim(3, 1);   /* r3, then r4 */
        mote_task_claim(4, 1);
        step = 2;
        /* fall through */
    case 2:
        if (!mote_sleep_us(&t, 1000))
            return false;
        item = 7;
        mote_channel_try_send(&ch.channel, &item, CH);   /* notifies r3 */
        abandon_r3 = true;
        step = 3;
        /* fall through */
    case 3:
        if (!mote_sleep_us(&t, 1000))
            return false;
        say("items left: ");
        mote_print_u64(ch.channel.count);
        say("\n");
        NVIC_ISER0 = 1u;
        NVIC_ISPR0 = 1u;
        step = 4;
        /* fall through */
    default:
        if (!mote_signal_wait((struct mote_channel *)&sig, &got, &w, SIG))
            return false;
        say("signal ");
        mote_print_u64(got);
        say("\n");
        mote_exit(3);
    }
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {
    {main_poll, 0}, {r1_poll, &r1}, {plain_recv_poll, &r2}, {r3_poll, &r3}, {plain_recv_poll, &r4},
};
