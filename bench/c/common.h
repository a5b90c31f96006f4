/* Shared by the hand-written C equivalents of the Mote examples: the lower bound a careful
 * embedded engineer would write, state machines by hand, against the same runtime-c. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include "mote_rt.h"

#define PRINT_LIT(s) mote_print_str((const uint8_t *)(s), sizeof(s) - 1)

const uint32_t mote_task_count = 1;
#endif
