/*
 * panic_task.c: --panic=task. A panic while a task other than main is polled
 * prints its message as usual, then returns to the executor (a minimal
 * setjmp/longjmp: no libc) which marks the task POISONED and never polls it
 * again. Linked only when the program defines mote_task_poller (see
 * docs/runtime-abi.md); with --panic=abort none of this is in the image.
 *
 * What a poisoned task leaves behind: its state object (static storage, never
 * reused: poisoned slots are not claimed again) may still be linked in the
 * timer queue or a channel's waiter list. Both stay valid memory; a timer
 * firing for it wakes a task that is no longer LIVE (ignored), and a channel
 * skips waiters of tasks that are not LIVE when it notifies. A notification it
 * had already received when it stopped is passed on by polling the others.
 */
#include "mote_rt.h"

/* r4-r11, sp, lr: what AAPCS says a callee preserves. */
typedef uint32_t mote_jmp_buf[10];

/* Written for v6-M (STM/LDM of low registers only), which also runs on v7-M. */
__attribute__((naked, returns_twice)) static int mote_setjmp(mote_jmp_buf buf)
{
    __asm__ volatile(
        "stmia r0!, {r4-r7}\n\t"
        "mov r1, r8\n\t"
        "mov r2, r9\n\t"
        "mov r3, r10\n\t"
        "stmia r0!, {r1-r3}\n\t"
        "mov r1, r11\n\t"
        "mov r2, sp\n\t"
        "mov r3, lr\n\t"
        "stmia r0!, {r1-r3}\n\t"
        "movs r0, #0\n\t"
        "bx lr\n\t");
}

__attribute__((naked, noreturn)) static void mote_longjmp(mote_jmp_buf buf)
{
    __asm__ volatile(
        "adds r0, #16\n\t"
        "ldmia r0!, {r1-r3}\n\t"
        "mov r8, r1\n\t"
        "mov r9, r2\n\t"
        "mov r10, r3\n\t"
        "ldmia r0!, {r1-r3}\n\t"
        "mov r11, r1\n\t"
        "mov sp, r2\n\t"
        "mov lr, r3\n\t"
        "subs r0, #40\n\t"
        "ldmia r0!, {r4-r7}\n\t"
        "movs r0, #1\n\t"
        "bx lr\n\t");
}

static mote_jmp_buf catch_point;

/* Called by mote_panic_end after the message is out. Only from thread mode:
 * a panic in an interrupt handler cannot be pinned on a task and exits. */
static void unwind_to_executor(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    if ((ipsr & 0x1ffu) == 0)
        mote_longjmp(catch_point);
}

/* The stopped task may have been woken for something it will now never take: a channel's
 * item or a signal's value it was the first waiter for (a `join` branch panicked before the
 * branch waiting on it ran). Nothing records such a notification, so every live task polls
 * once more: each re-checks what it waits for, and a waiter next in line takes the item. A
 * poll a task did not need returns Pending. */
static void wake_the_others(void)
{
    for (uint32_t i = 0; i < mote_task_count; i++)
        if (mote_task_status[i] == MOTE_TASK_LIVE)
            mote_wake(i);
}

/* Never inlined: the executor's loop must not hold the setjmp's returns_twice call itself
 * (built for speed it is unrolled, which LLVM refuses around such a call). */
__attribute__((noinline)) bool mote_poll_catching(uint32_t task)
{
    const struct mote_task *t = &mote_tasks[task];
    if (task == 0)
        return t->poll(t->state);   /* a panic in main still exits with 101 */
    if (mote_setjmp(catch_point) != 0) {
        /* Back from a panic: mote_panic_begin masked interrupts, and the task
         * may have been inside `critical { }`. The executor runs unmasked. */
        mote_panic_hook = 0;
        __asm__ volatile("cpsie i" ::: "memory");
        mote_task_status[task] = MOTE_TASK_POISONED;
        wake_the_others();
        return true;   /* stopped: the executor counts it out */
    }
    mote_panic_hook = unwind_to_executor;
    bool finished = t->poll(t->state);
    mote_panic_hook = 0;
    return finished;
}
