/* Shared by the hand-written C equivalents of the Mote examples: the lower bound a careful
 * embedded engineer would write, state machines by hand, against the same runtime-c. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include "mote_rt.h"

#define PRINT_LIT(s) mote_print_str((const uint8_t *)(s), sizeof(s) - 1)

/* The executor ABI with one task (docs/runtime-abi.md): the program's poll ends it with mote_exit.
 * A multi-task program defines BENCH_OWN_TASK_TABLE and its own table instead. */
#ifndef BENCH_OWN_TASK_TABLE
static bool program_poll(void *state);
const struct mote_task mote_tasks[1] = {{program_poll, 0}};
uint8_t mote_task_status[1];
uint8_t mote_task_ready[1];
const uint32_t mote_task_count = 1;
#endif
#endif
