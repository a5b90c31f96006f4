/*
 * mutex.c: Mutex<T> (0.2). `lock M as s { .. }` waits in mote_mutex_lock until it holds M,
 * and mote_mutex_unlock ends the block however it is left. Waiting is fair: waiters queue in
 * FIFO order, and unlock hands the mutex straight to the first of them (it stays locked,
 * so no task that polls in between can take it first). A waiter abandoned by a `race`
 * leaves the queue, or, if the mutex was already handed to it, passes it on. Tasks only:
 * interrupt handlers cannot lock. Only programs with a Mutex link this file.
 */
#include "mote_rt.h"
#include "mote_waiters.h"

bool mote_mutex_lock(struct mote_mutex *m, struct mote_waiter *w)
{
    uint32_t primask = mote_lock();
    bool held = true;
    if (w->state == MOTE_NODE_FIRED) {
        w->state = MOTE_NODE_IDLE;      /* handed over by the holder's unlock */
    } else if (w->state == MOTE_NODE_LINKED) {
        held = false;                   /* polled again while still queued */
    } else if (!m->locked) {
        m->locked = 1;                  /* free, so nobody waits: take it at once */
    } else {
        w->task = (uint16_t)mote_current_task();
        w->sending = 0;
        w->state = MOTE_NODE_LINKED;
        append(&m->waiters, w);
        held = false;
    }
    mote_unlock(primask);
    return held;
}

/* Hands the mutex to the first waiter whose task is LIVE (a task poisoned under --panic=task
 * while queued never takes it: waiter_is_live), else frees it. */
static void release(struct mote_mutex *m)
{
    while (m->waiters != 0) {
        struct mote_waiter *w = take_first(&m->waiters);
        w->state = MOTE_NODE_FIRED;     /* it holds the mutex now; m stays locked */
        if (waiter_is_live(w)) {
            mote_wake_locked(w->task);
            return;
        }
    }
    m->locked = 0;
}

void mote_mutex_unlock(struct mote_mutex *m)
{
    uint32_t primask = mote_lock();
    release(m);
    mote_unlock(primask);
}

void mote_mutex_cancel(struct mote_mutex *m, struct mote_waiter *w)
{
    uint32_t primask = mote_lock();
    if (w->state == MOTE_NODE_LINKED)
        unlink_waiter(&m->waiters, w);
    else if (w->state == MOTE_NODE_FIRED)
        release(m);                     /* handed the mutex but never ran: the next one gets it */
    w->state = MOTE_NODE_IDLE;
    mote_unlock(primask);
}
