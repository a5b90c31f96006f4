/* Never finishes: returns Pending without waking itself, so the executor
 * sleeps in WFI forever. Used to test `--timeout`. */
#include "program_common.h"

void mote_program_init(void) {}

bool mote_program_poll_main(int32_t *exit_code)
{
    (void)exit_code;
    say("waiting forever\n");
    return false;
}
