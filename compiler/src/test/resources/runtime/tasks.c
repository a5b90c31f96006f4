/*
 * 32 tasks at once: main (slot 0) and a pool `task(31) fn worker(n: u32)`
 * (slots 1..31). Main spawns all 31, a 32nd try_spawn fails, each worker
 * yields n % 4 times then adds n to a sum and finishes; main waits for all,
 * spawns again into the freed pool, and exits with 7.
 */
#define MOTE_TASK_SLOTS 32
#include "program_common.h"

#define POOL_FIRST 1u
#define POOL_SIZE 31u

struct worker { uint32_t n, yields; };
static struct worker workers[POOL_SIZE];
static uint32_t finished, sum, order[POOL_SIZE];

static bool worker_poll(void *state)
{
    struct worker *w = state;
    if (w->yields < w->n % 4u) {
        w->yields++;
        mote_wake_current();
        return false;
    }
    sum += w->n;
    order[finished++] = w->n;
    return true;
}

/* What `spawn worker(n)` compiles to (try_spawn: the same, the result a bool). */
static bool spawn_worker(uint32_t n)
{
    int32_t id = mote_task_claim(POOL_FIRST, POOL_SIZE);
    if (id < 0)
        return false;
    struct worker *w = mote_tasks[id].state;
    w->n = n;
    w->yields = 0;
    return true;
}

static uint32_t main_step;

static bool main_poll(void *state)
{
    (void)state;
    if (main_step == 0) {
        for (uint32_t n = 1; n <= POOL_SIZE; n++)
            spawn_worker(n);
        say("32nd spawn: ");
        mote_print_bool(spawn_worker(99));
        say("\n");
        main_step = 1;
    }
    if (main_step == 1) {
        if (finished < POOL_SIZE) {
            mote_wake_current();
            return false;
        }
        say("sum ");
        mote_print_u64(sum);
        say("\norder");
        for (uint32_t i = 0; i < POOL_SIZE; i++) {
            say(" ");
            mote_print_u64(order[i]);
        }
        say("\nagain: ");
        mote_print_bool(spawn_worker(100));
        mote_print_bool(spawn_worker(104));
        say("\n");
        main_step = 2;
    }
    if (finished < POOL_SIZE + 2) {
        mote_wake_current();
        return false;
    }
    say("sum ");
    mote_print_u64(sum);
    say("\n");
    mote_exit(7);
}

#define W(i) {worker_poll, &workers[i]}
#define W8(i) W(i), W(i + 1), W(i + 2), W(i + 3), W(i + 4), W(i + 5), W(i + 6), W(i + 7)
const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {
    {main_poll, 0}, W8(0), W8(8), W8(16), W(24), W(25), W(26), W(27), W(28), W(29), W(30),
};
