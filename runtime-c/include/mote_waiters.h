/*
 * mote_waiters.h: the FIFO lists of waiter nodes that channels, signals and events share.
 * A list is circular and its owner points at its tail, so append, take-first and remove
 * need no allocation and one pointer per list. Callers hold interrupts masked.
 */
#ifndef MOTE_WAITERS_H
#define MOTE_WAITERS_H

#include "mote_rt.h"

static inline void append(struct mote_waiter **tail, struct mote_waiter *w)
{
    if (*tail == 0) {
        w->next = w;
    } else {
        w->next = (*tail)->next;
        (*tail)->next = w;
    }
    *tail = w;
}

static inline void unlink_waiter(struct mote_waiter **tail, struct mote_waiter *w)
{
    struct mote_waiter *prev = *tail;
    while (prev->next != w)
        prev = prev->next;
    if (prev == w) {
        *tail = 0;   /* it was the only one */
    } else {
        prev->next = w->next;
        if (*tail == w)
            *tail = prev;
    }
}

/* Unlinks the first waiter of a list that has one: no walk, unlike unlink_waiter. */
static inline struct mote_waiter *take_first(struct mote_waiter **tail)
{
    struct mote_waiter *first = (*tail)->next;
    if (first == *tail)
        *tail = 0;   /* it was the only one */
    else
        (*tail)->next = first->next;
    return first;
}

/* Under --panic=task (the program then defines a task poller) a task that panicked while its
 * node was in a list leaves the node there (a poisoned slot is never reused, so the node stays
 * valid): whoever takes the first waiter skips it. Without a poller this folds to true. */
extern bool (*const mote_task_poller)(uint32_t task) __attribute__((weak));

static inline bool waiter_is_live(const struct mote_waiter *w)
{
    bool poisoning = &mote_task_poller != 0 && mote_task_poller != 0;
    return !poisoning || mote_task_status[w->task] == MOTE_TASK_LIVE;
}

#endif
