/* `async fn main() -> i32 { 0 }` as the compiler emits it for the task ABI:
 * the smallest image; its size is pinned in FirmwareRunTest. */
#define MOTE_TASK_SLOTS 1
#include "program_common.h"

static bool main_poll(void *state)
{
    (void)state;
    mote_exit(0);
}

const struct mote_task mote_tasks[MOTE_TASK_SLOTS] = {{main_poll, 0}};
