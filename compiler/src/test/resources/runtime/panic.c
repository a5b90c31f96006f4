/* Panics on the first poll: the runtime prints the message and exits 101. */
#include "program_common.h"

void mote_program_init(void) {}

bool mote_program_poll_main(int32_t *exit_code)
{
    (void)exit_code;
    mote_panic("boom", "x.mote:1:2");
}
