/*
 * mote_rt.h: the contract between compiled Mote programs and runtime-c.
 * docs/runtime-abi.md is the authoritative description; keep the two in step.
 */
#ifndef MOTE_RT_H
#define MOTE_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Provided by the compiled program ---- */

/* One task slot: the poll function of the task's future and its state object.
 * poll returns true when the task finished (a task returning i32, i.e. main,
 * calls mote_exit itself instead). Slot 0 is `main`; a `task(N) fn` pool is N
 * consecutive slots sharing one poll function. */
typedef bool (*mote_poll_fn)(void *state);
struct mote_task {
    mote_poll_fn poll;
    void *state;
};

extern const uint32_t mote_task_count;
extern const struct mote_task mote_tasks[];       /* [mote_task_count], in flash */
extern uint8_t mote_task_status[];                /* [mote_task_count], zero-initialised */
/* One flag per slot, set (1) by a wake-up, also from interrupt handlers, and cleared by the
 * executor before the poll it asks for; accessed as volatile bytes (executor.c). */
extern uint8_t mote_task_ready[];                 /* [mote_task_count], zero-initialised */

/* With --panic=task the program defines
 *     bool (*const mote_task_poller)(uint32_t) = mote_poll_catching;
 * which links the panic-catching poll (panic_task.c); otherwise null (Mote programs) or
 * nothing at all (C programs: the executor's reference is weak). */
extern bool (*const mote_task_poller)(uint32_t task);

/* ---- Provided by runtime-c ---- */
void mote_print_str(const uint8_t *p, uint32_t len);
void mote_print_i32(int32_t v);     /* values of 32 bits or fewer: no 64-bit division */
void mote_print_u32(uint32_t v);
void mote_print_hex32(uint32_t v);
void mote_print_i64(int64_t v);
void mote_print_u64(uint64_t v);
void mote_print_hex(uint64_t v);
void mote_print_bool(bool v);
/* Placeholders with a spec ({:04}, {:>6}, {:#x}, {:b}...): format.c, linked only when used.
 * `spec` is packed by the compiler (FormatSpec.packed): bits 0-7 width, 8-15 fill,
 * 16-17 alignment (1 left, 2 right, 3 centre), 18 zero padding, 19 '#', 20 '+',
 * 21-23 radix (0 decimal, 1 hex, 2 binary, 3 octal), 24 upper-case, 25 signed. */
void mote_print_fmt32(uint32_t v, uint32_t spec);
void mote_print_fmt64(uint64_t v, uint32_t spec);
void mote_print_fmt_str(const uint8_t *p, uint32_t len, uint32_t spec);
/* float.c: an f32 by its bits; spec as mote_print_fmt32's (bit 26: `{:?}`), precision -1 for `{}`. */
void mote_print_f32(uint32_t bits, uint32_t spec, int32_t precision);

/* Interned logging (log.c, --log interned): frames instead of text. */
void mote_log_frame(uint32_t index);
void mote_log_varint(uint32_t v);
void mote_log_zigzag(int32_t v);
void mote_log_varint64(uint64_t v);
void mote_log_zigzag64(int64_t v);
void mote_log_bytes(const uint8_t *p, uint32_t len);

_Noreturn void mote_exit(int32_t code);
/* The exit code of a panic (what rustc-built test binaries use). */
#define MOTE_PANIC_EXIT_CODE 101
/* The exit code of a fault (HardFault and friends, an unhandled interrupt): not a panic's. */
#define MOTE_FAULT_EXIT_CODE 102

void mote_panic_begin(void);
/* Messages and locations are C strings (a message with a zero byte in it is printed between
 * mote_panic_begin and mote_panic_end instead). */
_Noreturn void mote_panic_end(const char *loc);
_Noreturn void mote_panic_bounds(uint32_t index, uint32_t len, const char *loc);
_Noreturn void mote_panic(const char *msg, const char *loc);

/* Compiled Mote code names a panic's location by its index in these tables, which the
 * program defines when it has a panic site (C code passes location strings to the calls
 * above instead). */
struct mote_panic_site { uint32_t line; uint16_t column; uint16_t file; };   /* or one packed word a site (panic.c) */
struct mote_panic_file { const char *path; };   /* zero-terminated */
extern const struct mote_panic_site mote_panic_sites[];
extern const struct mote_panic_file mote_panic_files[];
_Noreturn void mote_panic_end_at(uint32_t site);
_Noreturn void mote_panic_at(const char *msg, uint32_t site);
_Noreturn void mote_panic_bounds_at(uint32_t index, uint32_t len, uint32_t site);
_Noreturn void mote_panic_end_interned(void);   /* --log interned: after the frame of message and location */

void mote_wake_current(void);

/* ---- Tasks (executor.c) ---- */
enum {
    MOTE_TASK_FREE = 0,     /* never started, or a pool slot free again */
    MOTE_TASK_LIVE = 1,     /* started: ready or waiting (see mote_task_ready) */
    MOTE_TASK_FINISHED = 2, /* poll returned true; a pool slot may be claimed again */
    MOTE_TASK_POISONED = 3, /* panicked under --panic=task: never polled again */
};

/* Marks task `id` ready. Safe from interrupt handlers and with interrupts
 * masked; waking a task that is not LIVE does nothing. */
void mote_wake(uint32_t id);
/* The same (a wake-up is one byte store and needs no critical section): the name runtime-c
 * code uses where it holds interrupts masked for its own structures, or runs in SysTick. */
void mote_wake_locked(uint32_t id);
/* The id of the task being polled (what waiter and timer nodes record). */
uint32_t mote_current_task(void);
/* The same, as the variable a debugger reads (qemu/gdbinit); runtime-c reads it directly
 * where a call would be kept out of line (a compact signal's wait, the per-task timers). */
extern uint32_t mote_task_current;
extern uint32_t mote_panic_from[4];   /* panic.c: --backtrace builds, for mote_panic_trace */
/* Claims a FREE or FINISHED slot among [first, first + n), marks it LIVE and
 * ready, returns its id; -1 when the pool is exhausted. The caller then
 * initialises the slot's state before returning to the executor. Not from
 * interrupt handlers. */
int32_t mote_task_claim(uint32_t first, uint32_t n);
/* Slot `id`, known FREE (a task's one instance, started once: the compiler proves it), becomes LIVE and ready. */
void mote_task_start(uint32_t id);

/* ---- --panic=task (panic_task.c) ---- */
bool mote_poll_catching(uint32_t task);
/* Set while a non-main task is polled under --panic=task; mote_panic_end calls
 * it (it does not return) instead of exiting. */
extern void (*mote_panic_hook)(void);

/* ---- Critical sections for `critical { }` (critical.c) ---- */
uint32_t mote_critical_enter(void);          /* masks interrupts, returns the previous PRIMASK */
void mote_critical_exit(uint32_t primask);   /* restores it: nesting-safe */

/* ---- Time (timer.c): SysTick, tickless ---- */
/* Word-aligned, not 8 as its uint64_t would make it: a task's state holding one then needs no
 * padding to 8 (LDRD only needs word alignment on v7-M; v6-M has none). */
struct __attribute__((packed, aligned(4))) mote_timer {   /* 16 bytes, align 4; zero = idle */
    uint64_t deadline;         /* in core clock cycles */
    struct mote_timer *next;   /* sorted timer queue */
    uint16_t task;             /* who to wake */
    uint8_t state;             /* MOTE_NODE_IDLE / _LINKED / _FIRED */
    uint8_t reserved;
};
enum { MOTE_NODE_IDLE = 0, MOTE_NODE_LINKED = 1, MOTE_NODE_FIRED = 2 };

/* Microseconds since the clock started (the first use of time in the program). */
uint64_t mote_ticks_us(void);
/* The poll of `sleep_us(us).await`: call at every poll of the await point with
 * the same node; true (node idle again) once `us` microseconds have passed. Only
 * the first poll (an idle node) reads `us`: the compiler passes 0 at the others. */
bool mote_sleep_us(struct mote_timer *t, uint64_t us);
/* sleep_until: `at` is a mote_ticks_us() value; a deadline already past is ready at once. */
bool mote_sleep_until_us(struct mote_timer *t, uint64_t at);
/* Deregisters a sleeping timer (an abandoned `race` branch); idle afterwards. */
void mote_timer_cancel(struct mote_timer *t);
/* The same with the future a state byte (zero = idle; mote.opt.TaskTimers): one timer per task
 * (timer_task.c: the deadline is the polling task's slot) or one timer at a time (timer.c). */
bool mote_task_sleep_us(uint8_t *state, uint32_t us);
void mote_task_timer_cancel(uint8_t *state);
bool mote_single_sleep_us(uint8_t *state, uint64_t us);
void mote_single_timer_cancel(uint8_t *state);

/* ---- Channel<T, N> and Signal<T> (channel.c) ---- */
struct mote_waiter {           /* 8 bytes, align 4; zero = idle */
    struct mote_waiter *next;  /* circular FIFO, the list points at its tail */
    uint16_t task;
    uint8_t state;             /* MOTE_NODE_IDLE / _LINKED / _FIRED (= notified) */
    uint8_t sending;           /* which list it is on: 1 senders, 0 receivers */
};
struct mote_channel {          /* 12 bytes, align 4; all zero = empty */
    uint16_t head;             /* index of the oldest item */
    uint16_t count;            /* items in the buffer */
    /* Tails of the FIFOs of blocked receivers and senders; in a program whose every side of
     * every channel is waited on by one task at most (mote_channels_direct), that task's id + 1
     * while it waits, else 0. */
    union {
        struct mote_waiter *receivers;
        uint32_t receiver_task;
    };
    union {
        struct mote_waiter *senders;
        uint32_t sender_task;
    };
    /* the buffer follows at offset 12: capacity * elem_size bytes (copied bytewise) */
};
/* Element size and capacity are the channel's type, not its state: compiled code passes
 * them with every call as one word, so an empty channel is all zero bytes (.bss). */
#define MOTE_CHANNEL_SHAPE(elem_size, capacity) ((uint32_t)(elem_size) | (uint32_t)(capacity) << 16)
/* A channel with room for its buffer, for C code: `static MOTE_CHANNEL_STORAGE(4, 2) ch;`
 * then `&ch.channel` (zero-initialised: empty). */
#define MOTE_CHANNEL_STORAGE(elem_size, capacity) \
    struct { struct mote_channel channel; uint8_t buf[(elem_size) * (capacity)]; }
/* A Signal<T> holds the latest value raised. Nothing waits to send on one, so its value takes
 * the senders' word: head (unused), count (0 or 1) and receivers, then the value at offset 8
 * (MOTE_SIGNAL_HEADER). Its calls take the value's size, not a shape. A waiter that gives up
 * leaves with mote_channel_cancel, as on a channel. In a program with compact channel headers
 * (channel.c) a signal's header is one byte instead, its value at offset 1. */
#define MOTE_SIGNAL_HEADER 8u
#define MOTE_SIGNAL_STORAGE(value_size) \
    struct { uint16_t head, count; struct mote_waiter *receivers; uint8_t value[(value_size)]; }

/* Non-suspending; legal in interrupt handlers. */
bool mote_channel_try_send(struct mote_channel *c, const void *item, uint32_t shape);
bool mote_channel_try_recv(struct mote_channel *c, void *out, uint32_t shape);
/* The polls of `ch.send(v).await` / `ch.recv().await` / `sig.wait().await`:
 * call at every poll of the await point with the same waiter node; true once
 * the item was sent / received (node idle again). */
bool mote_channel_send(struct mote_channel *c, const void *item, struct mote_waiter *w, uint32_t shape);
bool mote_channel_recv(struct mote_channel *c, void *out, struct mote_waiter *w, uint32_t shape);
/* Deregisters a waiter of an abandoned `race` branch. If it had already been
 * notified, the notification passes to the next waiter: an abandoned receive
 * never takes (or hides) an item. Idle afterwards. */
void mote_channel_cancel(struct mote_channel *c, struct mote_waiter *w, uint32_t shape);
/* Closing (0.2): only programs that close a channel define mote_channels_close true; then a
 * channel's count carries the closed flag in its top bit. */
void mote_channel_close(struct mote_channel *c, uint32_t shape);
bool mote_channel_closed(struct mote_channel *c);     /* a send would panic */
bool mote_channel_drained(struct mote_channel *c);    /* closed and empty: next() is None */
/* Signals (pass `(struct mote_channel *)&storage`): raise stores the value (replacing an unread
 * one) and wakes the first waiter; try_recv takes a raised value; wait is the poll of
 * `sig.wait().await`, as mote_channel_recv. raise and try_recv are legal in interrupt handlers. */
void mote_signal_raise(struct mote_channel *s, const void *value, uint32_t size);
bool mote_signal_try_recv(struct mote_channel *s, void *out, uint32_t size);
bool mote_signal_wait(struct mote_channel *s, void *out, struct mote_waiter *w, uint32_t size);

/* ---- Event<T> (event.c): a channel header without a buffer; its receivers list holds the
 * waiters. `shape`: the value's size, and (bits 16 up) its offset in a waiter's node. ---- */
void mote_event_emit(struct mote_channel *e, const void *value, uint32_t shape);
bool mote_event_wait(struct mote_channel *e, void *out, struct mote_waiter *w, uint32_t shape);
void mote_event_cancel(struct mote_channel *e, struct mote_waiter *w);

/* ---- Mutex<T> (mutex.c): a FIFO of waiters and a held flag; the value follows at offset 8.
 * lock is the poll of `lock M as s` (true once held: at once when free, else when the holder's
 * unlock hands it over); unlock ends the block; cancel abandons a waiting lock (a `race`). ---- */
struct mote_mutex {            /* 8 bytes, align 4; all zero = free, nobody waiting */
    struct mote_waiter *waiters;   /* tail of the FIFO of waiting tasks */
    uint8_t locked;
    uint8_t reserved[3];
};
bool mote_mutex_lock(struct mote_mutex *m, struct mote_waiter *w);
void mote_mutex_unlock(struct mote_mutex *m);
void mote_mutex_cancel(struct mote_mutex *m, struct mote_waiter *w);

/* ---- Internal to runtime-c (not called by compiled code) ---- */

/* The console driver selected by -DMOTE_CONSOLE_<KIND> (see drivers/). */
void mote_console_init(void);
void mote_console_putc(uint8_t c);

/* Polls ready tasks until the main task finishes; never returns. */
_Noreturn void mote_executor_run(void);

/* ARM semihosting (QEMU, debug probes); mote_exit (above) is SYS_EXIT_EXTENDED. */
void mote_semihost_write0(const char *s);
void mote_semihost_writec(char c);

/* Critical sections: mask interrupts, restore the previous mask afterwards
 * (callers may already run with interrupts masked). Works on v6-M, which has
 * no LDREX/STREX. */
static inline uint32_t mote_irq_save(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) :: "memory");
    return primask;
}

static inline void mote_irq_restore(uint32_t primask)
{
    __asm__ volatile("msr primask, %0" :: "r"(primask) : "memory");
}

/* Whether an interrupt handler may touch the structures tasks share with the executor (the
 * ready set, channels, events, mutexes). Compiled as a library (objects: C programs, -O 0),
 * runtime-c assumes so. Compiled as bitcode for a whole-program build (MOTE_WHOLE_PROGRAM),
 * executor.c defines it, weak and true, and mote.llvm.WholeProgram sets it: a program with
 * no interrupt handler runs all of that code in thread mode only (the timers' SysTick handler
 * touches only the timers, masked by their own code, and ready flags), so nothing preempts
 * it and masking is dropped. */
#ifdef MOTE_WHOLE_PROGRAM
extern const bool mote_handlers_use_runtime;
#else
#define mote_handlers_use_runtime true
#endif

/* -O 2 builds compile runtime-c for the program with -O2 -DMOTE_FOR_SPEED: helpers kept out
 * of line only to save flash (MOTE_OUT_OF_LINE) may be inlined, and where the runtime has a
 * faster but larger way of doing something, mote_runtime_for_speed picks it. */
#ifdef MOTE_FOR_SPEED
#define mote_runtime_for_speed true
#define MOTE_OUT_OF_LINE
#define MOTE_INLINE_FOR_SPEED __attribute__((always_inline))
#else
#define mote_runtime_for_speed false
#define MOTE_OUT_OF_LINE __attribute__((noinline))
#define MOTE_INLINE_FOR_SPEED
#endif

/* Console output (print.c, format.c, float.c, log.c) waits on the UART whatever the code is:
 * at -O 2 its functions stay as small as at -O s and out of line (compiled -O2 and inlined
 * into every print they doubled hello's image). Bracket a file's functions with these. */
#ifdef MOTE_FOR_SPEED
#define MOTE_CONSOLE_CODE_BEGIN _Pragma("clang attribute push(__attribute__((minsize, noinline)), apply_to = function)")
#define MOTE_CONSOLE_CODE_END _Pragma("clang attribute pop")
#else
#define MOTE_CONSOLE_CODE_BEGIN
#define MOTE_CONSOLE_CODE_END
#endif

/* Masks interrupts around a change to a shared structure, where a handler could preempt it. */
static inline uint32_t mote_lock(void)
{
    return mote_handlers_use_runtime ? mote_irq_save() : 0;
}

static inline void mote_unlock(uint32_t primask)
{
    if (mote_handlers_use_runtime)
        mote_irq_restore(primask);
}

/* Prints a NUL-terminated string literal from inside the runtime. */
void mote_print_cstr(const char *s);

#endif
