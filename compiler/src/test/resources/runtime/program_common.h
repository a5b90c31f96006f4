/* Shared by the C stand-ins for compiled Mote programs used in the runtime tests. */
#include "mote_rt.h"

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *dest, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#ifdef MOTE_TASK_SLOTS
/* A multi-task stand-in: it defines mote_tasks[MOTE_TASK_SLOTS] itself. */
const uint32_t mote_task_count = MOTE_TASK_SLOTS;
uint8_t mote_task_status[MOTE_TASK_SLOTS];
uint8_t mote_task_ready[MOTE_TASK_SLOTS];
#else
/* A single-task stand-in: it defines mote_program_init and mote_program_poll_main, and
 * this one task slot polls them (the first compiler's ABI, which runtime-c no longer knows). */
const uint32_t mote_task_count = 1;
void mote_program_init(void);
bool mote_program_poll_main(int32_t *exit_code);

static bool single_task_poll(void *state)
{
    (void)state;
    static bool started;
    if (!started) {
        started = true;
        mote_program_init();
    }
    int32_t exit_code = 0;
    if (mote_program_poll_main(&exit_code))
        mote_exit(exit_code);
    return false;
}

const struct mote_task mote_tasks[1] = {{single_task_poll, 0}};
uint8_t mote_task_status[1];
uint8_t mote_task_ready[1];
#endif

static inline void say(const char *s)
{
    while (*s)
        mote_print_str((const uint8_t *)s++, 1);
}
