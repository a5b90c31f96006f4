/*
 * event.c: Event<T>, a broadcast that does not latch (Céu's emit, lilos' Notify). emit(v)
 * copies v into the node of every task waiting at that moment and wakes them all; a task
 * that starts waiting later waits for the next emit. An event is a channel header whose
 * buffer is empty; its receivers list holds the waiters. Interrupts are masked throughout,
 * so emit is legal in interrupt handlers. Only programs with an Event link this file.
 */
#include "mote_rt.h"
#include "mote_waiters.h"

static uint32_t value_size(uint32_t shape) { return shape & 0xFFFFu; }
static uint8_t *value_in(struct mote_waiter *w, uint32_t shape) { return (uint8_t *)w + (shape >> 16); }

static void copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    while (n--)
        *dst++ = *src++;
}

void mote_event_emit(struct mote_channel *e, const void *value, uint32_t shape)
{
    uint32_t primask = mote_lock();
    while (e->receivers != 0) {
        struct mote_waiter *w = take_first(&e->receivers);
        copy_bytes(value_in(w, shape), value, value_size(shape));
        w->state = MOTE_NODE_FIRED;
        mote_wake_locked(w->task);
    }
    mote_unlock(primask);
}

bool mote_event_wait(struct mote_channel *e, void *out, struct mote_waiter *w, uint32_t shape)
{
    uint32_t primask = mote_lock();
    bool fired = w->state == MOTE_NODE_FIRED;
    if (fired) {
        copy_bytes(out, value_in(w, shape), value_size(shape));
        w->state = MOTE_NODE_IDLE;
    } else if (w->state != MOTE_NODE_LINKED) {
        w->task = (uint16_t)mote_current_task();
        w->sending = 0;
        w->state = MOTE_NODE_LINKED;
        append(&e->receivers, w);
    }
    mote_unlock(primask);
    return fired;
}

/* An abandoned wait (a cancelled `race` branch) leaves the list; a value it was woken with
 * is dropped, as every other waiter got its own copy. */
void mote_event_cancel(struct mote_channel *e, struct mote_waiter *w)
{
    uint32_t primask = mote_lock();
    if (w->state == MOTE_NODE_LINKED)
        unlink_waiter(&e->receivers, w);
    w->state = MOTE_NODE_IDLE;
    mote_unlock(primask);
}
