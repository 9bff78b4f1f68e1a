#include <pthread.h>
#include <stdlib.h>
#include "workspace.h"

typedef struct {
    void *buffer[MLC_WS_COUNT];
    size_t bytes[MLC_WS_COUNT];
} workspace;

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void release(void *p) {
    workspace *ws = p;
    for (int i = 0; i < MLC_WS_COUNT; i++) free(ws->buffer[i]);
    free(ws);
}

static void make_key(void) { pthread_key_create(&key, release); }

void *mlc_workspace(mlc_workspace_slot slot, size_t bytes) {
    pthread_once(&key_once, make_key);
    workspace *ws = pthread_getspecific(key);
    if (!ws) {
        ws = calloc(1, sizeof(workspace));
        if (!ws || pthread_setspecific(key, ws) != 0) {
            free(ws);
            return NULL;
        }
    }
    if (ws->bytes[slot] < bytes) {
        size_t size = (bytes + 63) & ~(size_t)63;
        void *grown = aligned_alloc(64, size);
        if (!grown) return NULL;
        free(ws->buffer[slot]);
        ws->buffer[slot] = grown;
        ws->bytes[slot] = size;
    }
    return ws->buffer[slot];
}
