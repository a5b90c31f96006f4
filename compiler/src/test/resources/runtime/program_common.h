/* Shared by the C stand-ins for compiled Mote programs used in the runtime tests. */
#include "mote_rt.h"

#define S(lit) (const uint8_t *)(lit), (uint32_t)(sizeof(lit) - 1)

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *dest, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#ifdef MOTE_TASK_SLOTS
/* A multi-task stand-in: it defines mote_tasks[MOTE_TASK_SLOTS] itself. */
const uint32_t mote_task_count = MOTE_TASK_SLOTS;
uint8_t mote_task_status[MOTE_TASK_SLOTS];
volatile uint32_t mote_task_ready[(MOTE_TASK_SLOTS + 31) / 32];
#else
/* The single-task ABI: mote_program_init + mote_program_poll_main. */
const uint32_t mote_task_count = 1;
#endif

static inline void say(const char *s)
{
    while (*s)
        mote_print_str((const uint8_t *)s++, 1);
}
