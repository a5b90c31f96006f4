/* async fn main() -> i32 { 0 } */
#include "common.h"

void mote_program_init(void) {}

bool mote_program_poll_main(int32_t *exit_code) {
    *exit_code = 0;
    return true;
}
