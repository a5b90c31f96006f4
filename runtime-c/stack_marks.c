/*
 * stack_marks.c: each task's stack high-water mark, in `--debug` builds only (the compiler
 * calls these around every poll of a debug build's tasks and defines the marks; a release
 * build references nothing here, and nothing of it is linked).
 *
 * Every task is polled on the one main stack. Before a poll, mote_stack_mark_begin paints the
 * stack below the caller with a pattern; after it, mote_stack_mark_end finds the lowest word
 * no longer holding the pattern and records, for the task being polled, the deepest the
 * stack has been during its polls: mote_task_stack_marks[task], bytes below _stack_top
 * (qemu/gdbinit's `mote tasks` shows them). Only what the last poll dirtied is painted again,
 * so a poll costs a repaint of the stack the previous one used, plus a scan of the unused part.
 *
 * Like every painted-stack measure, a word a frame reserves but never writes (or writes with
 * the pattern) is not seen, and an interrupt handler that runs during a poll counts toward
 * the task being polled. A poll that panics under --panic=task is not measured.
 */
#include "mote_rt.h"

#define PAINT 0xC5C5C5C5u

/* [mote_task_count], defined by the compiler in debug builds. Weak: a release image calls
 * none of this, and its linker drops these functions without needing the marks. */
extern uint32_t mote_task_stack_marks[] __attribute__((weak));
extern uint32_t mote_task_current;
extern uint32_t _stack_bottom[], _stack_top[];

/* Everything below this is painted (the whole stack is dirty before the first poll). */
static uint32_t *clean_below = _stack_bottom;
/* Between begin and end: a poll that never returned (a panic that --panic=task caught
 * unwinds past end) leaves it set, and its unknown dirt is painted over at the next begin. */
static bool polling;

static uint32_t *stack_pointer(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

void mote_stack_mark_begin(void)
{
    /* Up to just below this function's own frame: what the poll uses after it returns. */
    uint32_t *top = stack_pointer();
    if (polling)
        clean_below = _stack_bottom;
    polling = true;
    for (uint32_t *p = clean_below; p < top; p++)
        *p = PAINT;
    if (top > clean_below)
        clean_below = top;
}

void mote_stack_mark_end(void)
{
    uint32_t *p = _stack_bottom;
    while (p < clean_below && *p == PAINT)
        p++;
    uint32_t used = (uint32_t)((uint8_t *)_stack_top - (uint8_t *)p);
    if (used > mote_task_stack_marks[mote_task_current])
        mote_task_stack_marks[mote_task_current] = used;
    clean_below = p;
    polling = false;
}
