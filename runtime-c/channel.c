/*
 * channel.c: Channel<T, N> and Signal<T> over raw bytes.
 *
 * The compiler reserves each channel's header and, right after it, its buffer
 * (capacity * elem_size bytes), and passes both sizes with every call (`shape`):
 * they are the channel's type, so an empty channel is all zero bytes and a static
 * one costs no flash. The runtime only copies bytes. Blocked
 * senders and receivers wait in FIFO lists of intrusive nodes (struct
 * mote_waiter) that live in the waiting futures' states. A list is circular
 * and the channel points at its tail, so append, take-first and remove need
 * no allocation and one pointer per list.
 *
 * Items never move into a waiter: a send or receive that frees a slot or adds
 * an item only *notifies* the first waiter on the other side (unlinks it, marks
 * it FIRED, wakes its task), which then retries. So an abandoned receive
 * (cancelled `race` branch) can never take an item with it; if it had been
 * notified, cancelling passes the notification on to the next waiter.
 *
 * A program whose each side of each channel and signal is waited on by one task at most
 * (the compiler proves it for the whole program: mote.mir.ChannelWaiters) has no lists: a
 * side keeps the id of its waiting task, and a notification wakes that task. Its polls
 * re-check, so a wake-up it no longer needs costs a poll, never an item.
 *
 * Such a program, when its tasks and its channels' capacities fit a byte, has compact
 * headers besides (mote_channels_compact): head, count and the two waiting tasks a byte
 * each, the items at offset 4; a signal's count and waiting task share one byte, its value
 * at offset 1. The compiler reserves a static channel 8 bytes less then, a static signal
 * 1 + its value's size (7 to 10 bytes less).
 *
 * Every operation runs with interrupts masked, so try_send, try_recv and
 * signal raise are legal in interrupt handlers.
 */
#include "mote_rt.h"
#include "mote_waiters.h"

/* Items move a word at a time where the core loads and stores words at any address (v7-M
 * and up: an item's size says nothing of its alignment), else a byte at a time. One loop and
 * one copy for every channel shape: flash as small as the byte loop's. Not memcpy, which
 * -ffreestanding code calls out of line. */
MOTE_OUT_OF_LINE static void copy(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    while (n != 0) {
        uint32_t step = 1;
#if defined(__ARM_FEATURE_UNALIGNED)
        typedef uint32_t __attribute__((aligned(1))) unaligned_word;
        if (n >= 4u) {
            *(unaligned_word *)dst = *(const unaligned_word *)src;
            step = 4;
        } else
#endif
        {
            *dst = *src;
        }
        dst += step;
        src += step;
        n -= step;
    }
}

/* Notifies the first waiter whose task is still LIVE; a poisoned task's node is dropped
 * (waiter_is_live). */
MOTE_OUT_OF_LINE static void notify_first(struct mote_waiter **tail)
{
    while (*tail != 0) {
        struct mote_waiter *w = take_first(tail);
        w->state = MOTE_NODE_FIRED;
        if (waiter_is_live(w)) {
            mote_wake_locked(w->task);
            return;
        }
    }
}

/* Defined by every Mote program: whether every side of every channel and signal has one
 * waiting task at most, which the side then records instead of a list (see above). Weak: C
 * programs need not define it, and keep the lists. */
extern const bool mote_channels_direct __attribute__((weak));

static bool direct(void) { return &mote_channels_direct != 0 && mote_channels_direct; }

/* Defined by every Mote program: whether its channels have compact headers (see above; only
 * direct programs built with runtime-c in their module do). Weak: C programs need not define
 * it, and keep struct mote_channel. */
extern const bool mote_channels_compact __attribute__((weak));

/* The header's accessors are always inlined: either layout's branch folds away once the program's
 * constant is known, which the inliner cannot foresee at runtime-c's own compile. */
#define FIELD static inline __attribute__((always_inline))

#ifdef MOTE_WHOLE_PROGRAM
FIELD bool compact(void) { return &mote_channels_compact != 0 && mote_channels_compact; }
#else
FIELD bool compact(void) { return false; }   /* compiled apart (C programs, -O 0): never compact */
#endif

struct compact_header {
    uint8_t head, count;
    uint8_t receiver_task, sender_task;   /* as in struct mote_channel: task id + 1, or 0 */
};
#define COMPACT_HEADER 4u

FIELD struct compact_header *small(struct mote_channel *c) { return (struct compact_header *)c; }

/* The fields either header has, read and written whichever the program uses. */
FIELD uint32_t get_head(struct mote_channel *c) { return compact() ? small(c)->head : c->head; }
FIELD uint32_t get_count(struct mote_channel *c) { return compact() ? small(c)->count : c->count; }

FIELD void set_head(struct mote_channel *c, uint32_t head)
{
    if (compact())
        small(c)->head = (uint8_t)head;
    else
        c->head = (uint16_t)head;
}

FIELD void set_count(struct mote_channel *c, uint32_t count)
{
    if (compact())
        small(c)->count = (uint8_t)count;
    else
        c->count = (uint16_t)count;
}

/* Direct programs: the task (id + 1) waiting on one side, or 0. */
FIELD uint32_t waiting_task(struct mote_channel *c, bool senders)
{
    if (compact())
        return senders ? small(c)->sender_task : small(c)->receiver_task;
    return senders ? c->sender_task : c->receiver_task;
}

FIELD void set_waiting_task(struct mote_channel *c, bool senders, uint32_t task)
{
    if (compact())
        *(senders ? &small(c)->sender_task : &small(c)->receiver_task) = (uint8_t)task;
    else
        *(senders ? &c->sender_task : &c->receiver_task) = task;
}

/* Wakes what waits on one side: its first waiter, or in a direct program its task. */
static void notify(struct mote_channel *c, bool senders)
{
    if (direct()) {
        uint32_t task = waiting_task(c, senders);
        if (task != 0) {
            mote_wake_locked(task - 1u);
            set_waiting_task(c, senders, 0);
        }
        return;
    }
    notify_first(senders ? &c->senders : &c->receivers);
}

/* Defined by every Mote program: whether it ever closes a channel. When it does, a channel's
 * count keeps the closed flag in its top bit (capacities are then at most 32767); when it
 * does not, the optimiser folds every test below away. Weak: C programs need not define it. */
extern const bool mote_channels_close __attribute__((weak));

static bool closable(void) { return &mote_channels_close != 0 && mote_channels_close; }
/* The count's top bit (capacities are then at most 32767, or 127 in a compact header). */
FIELD uint32_t closed_flag(void) { return compact() ? 0x80u : 0x8000u; }
FIELD uint32_t items(struct mote_channel *c) { return closable() ? get_count(c) & ~closed_flag() : get_count(c); }
FIELD bool is_closed(struct mote_channel *c) { return closable() && (get_count(c) & closed_flag()) != 0; }

static uint32_t elem_size(uint32_t shape) { return shape & 0xFFFFu; }
static uint32_t capacity(uint32_t shape) { return shape >> 16; }
FIELD uint8_t *buffer(struct mote_channel *c) { return compact() ? (uint8_t *)c + COMPACT_HEADER : (uint8_t *)(c + 1); }

/* An index below twice the capacity, brought into the ring. Built for speed, the shape is a
 * constant where the call is inlined: a power-of-two capacity masks (a capacity of one always
 * gives slot 0), no compare. Built for size the functions take any shape: one compare serves. */
static uint32_t ring_index(uint32_t i, uint32_t shape)
{
    uint32_t n = capacity(shape);
    if (mote_runtime_for_speed && (n & (n - 1u)) == 0)
        return i & (n - 1u);
    return i >= n ? i - n : i;
}

static bool send_locked(struct mote_channel *c, const void *item, uint32_t shape)
{
    if (items(c) == capacity(shape) || is_closed(c))
        return false;
    uint32_t slot = ring_index(get_head(c) + items(c), shape);
    copy(buffer(c) + slot * elem_size(shape), item, elem_size(shape));
    set_count(c, get_count(c) + 1u);
    notify(c, false);
    return true;
}

static bool recv_locked(struct mote_channel *c, void *out, uint32_t shape)
{
    if (items(c) == 0)
        return false;
    copy(out, buffer(c) + get_head(c) * elem_size(shape), elem_size(shape));
    set_head(c, ring_index(get_head(c) + 1u, shape));
    set_count(c, get_count(c) - 1u);
    notify(c, true);
    return true;
}

bool mote_channel_try_send(struct mote_channel *c, const void *item, uint32_t shape)
{
    uint32_t primask = mote_lock();
    bool sent = send_locked(c, item, shape);
    mote_unlock(primask);
    return sent;
}

bool mote_channel_try_recv(struct mote_channel *c, void *out, uint32_t shape)
{
    uint32_t primask = mote_lock();
    bool received = recv_locked(c, out, shape);
    mote_unlock(primask);
    return received;
}

/* The common poll of send and recv: try; on success leave the lists, else
 * wait at the end of this side's list (again, after a notification someone
 * else used first). */
static bool poll_waiter(struct mote_channel *c, struct mote_waiter *w, bool done, uint8_t sending)
{
    if (direct()) {
        /* A task records itself while it waits. A success leaves the record: another branch
         * of the same task's `join` may still wait on this side, and it is cleared when the
         * other side notifies. */
        if (!done)
            set_waiting_task(c, sending, mote_current_task() + 1u);
        return done;
    }
    struct mote_waiter **tail = sending ? &c->senders : &c->receivers;
    if (done) {
        if (w->state == MOTE_NODE_LINKED)
            unlink_waiter(tail, w);
        w->state = MOTE_NODE_IDLE;
    } else if (w->state != MOTE_NODE_LINKED) {
        w->task = (uint16_t)mote_current_task();
        w->sending = sending;
        w->state = MOTE_NODE_LINKED;
        append(tail, w);
    }
    return done;
}

MOTE_INLINE_FOR_SPEED bool mote_channel_send(struct mote_channel *c, const void *item, struct mote_waiter *w, uint32_t shape)
{
    uint32_t primask = mote_lock();
    bool sent = poll_waiter(c, w, send_locked(c, item, shape), 1);
    mote_unlock(primask);
    return sent;
}

MOTE_INLINE_FOR_SPEED bool mote_channel_recv(struct mote_channel *c, void *out, struct mote_waiter *w, uint32_t shape)
{
    uint32_t primask = mote_lock();
    bool received = poll_waiter(c, w, recv_locked(c, out, shape), 0);
    mote_unlock(primask);
    return received;
}

void mote_channel_cancel(struct mote_channel *c, struct mote_waiter *w, uint32_t shape)
{
    /* In a direct program the abandoned wait's record stays: the same task may wait on this
     * side elsewhere (a `join`), and a wake-up it does not need costs one poll. */
    if (direct())
        return;
    uint32_t primask = mote_lock();
    struct mote_waiter **tail = w->sending ? &c->senders : &c->receivers;
    if (w->state == MOTE_NODE_LINKED)
        unlink_waiter(tail, w);
    else if (w->state == MOTE_NODE_FIRED && (w->sending ? items(c) < capacity(shape) : items(c) > 0))
        notify_first(tail);   /* pass on a notification it will never use */
    w->state = MOTE_NODE_IDLE;
    mote_unlock(primask);
}

/* `ch.close()`: later sends fail (the compiled code panics), receives drain what is left,
 * then `next` gives None; every waiter wakes to find out. */
void mote_channel_close(struct mote_channel *c, uint32_t shape)
{
    (void)shape;
    uint32_t primask = mote_lock();
    set_count(c, get_count(c) | closed_flag());
    if (direct()) {
        notify(c, false);
        notify(c, true);
        mote_unlock(primask);
        return;
    }
    while (c->receivers != 0)
        notify_first(&c->receivers);
    while (c->senders != 0)
        notify_first(&c->senders);
    mote_unlock(primask);
}

bool mote_channel_closed(struct mote_channel *c)
{
    return is_closed(c);
}

bool mote_channel_drained(struct mote_channel *c)
{
    uint32_t primask = mote_lock();
    bool drained = is_closed(c) && items(c) == 0;
    mote_unlock(primask);
    return drained;
}

/* ---- Signal<T>: its own layout (mote_rt.h), the value where a channel keeps its senders ----
 *
 * With compact headers a signal has a header of one byte, its value at offset 1: bit 7 is its
 * count (a value raised and not yet taken), bits 0-6 the waiting task's id + 1, or 0 (the
 * compiler allows compact headers to a program with signals only while its task ids fit:
 * 127 slots, the last one's byte 0x7F).
 * A raise wakes that task and clears it, so a raised signal never records a waiter. */
#define SIGNAL_RAISED 0x80u
#define SIGNAL_TASK 0x7Fu

FIELD uint8_t *signal_byte(struct mote_channel *s) { return (uint8_t *)s; }
FIELD uint8_t *signal_value(struct mote_channel *s) { return compact() ? (uint8_t *)s + 1 : (uint8_t *)&s->senders; }
/* The value's size; the low half only, so a channel shape passed by mistake cannot overrun. */
static uint32_t signal_size(uint32_t size) { return size & 0xFFFFu; }

void mote_signal_raise(struct mote_channel *s, const void *value, uint32_t size)
{
    uint32_t primask = mote_lock();
    copy(signal_value(s), value, signal_size(size));   /* an unread value is replaced */
    if (compact()) {
        /* The byte held 0, SIGNAL_RAISED or a waiting task's id + 1: only the last is under
         * SIGNAL_TASK once one less. */
        uint32_t waiting = *signal_byte(s) - 1u;
        *signal_byte(s) = SIGNAL_RAISED;
        if (waiting < SIGNAL_TASK)
            mote_wake_locked(waiting);
    } else {
        set_count(s, 1);
        notify(s, false);
    }
    mote_unlock(primask);
}

static bool signal_take_locked(struct mote_channel *s, void *out, uint32_t size)
{
    if (compact() ? (*signal_byte(s) & SIGNAL_RAISED) == 0 : get_count(s) == 0)
        return false;
    copy(out, signal_value(s), signal_size(size));
    if (compact())
        *signal_byte(s) = 0;
    else
        set_count(s, 0);
    return true;
}

bool mote_signal_try_recv(struct mote_channel *s, void *out, uint32_t size)
{
    uint32_t primask = mote_lock();
    bool received = signal_take_locked(s, out, size);
    mote_unlock(primask);
    return received;
}

MOTE_INLINE_FOR_SPEED bool mote_signal_wait(struct mote_channel *s, void *out, struct mote_waiter *w, uint32_t size)
{
    uint32_t primask = mote_lock();
    bool received = signal_take_locked(s, out, size);
    if (compact()) {
        if (!received)   /* nothing raised: the byte held 0, or this task's id */
            *signal_byte(s) = (uint8_t)(mote_task_current + 1u);
    } else {
        received = poll_waiter(s, w, received, 0);
    }
    mote_unlock(primask);
    return received;
}
