/* Shared by the C stand-ins for compiled Mote programs used in the runtime tests. */
#include "mote_rt.h"

#define S(lit) (const uint8_t *)(lit), (uint32_t)(sizeof(lit) - 1)

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *dest, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

const uint32_t mote_task_count = 1;

static inline void say(const char *s)
{
    while (*s)
        mote_print_str((const uint8_t *)s++, 1);
}
