// Opening a library on demand (OnDemandLibrary.h).
#include "OnDemandLibrary.h"

#include <dlfcn.h>
#include <stdio.h>

void onDemandOpen(struct OnDemandLibrary *library) {
    for (size_t index = 0; index < library->nameCount; index++) {
        library->handle = dlopen(library->names[index], RTLD_NOW | RTLD_LOCAL);
        if (library->handle != NULL) return;
    }
    fprintf(stderr, "pgvigil: %s (%s)\n", library->missing, dlerror());
}

void *onDemandResolve(struct OnDemandLibrary *library, void (*open)(void), const char *name) {
    pthread_once(&library->once, open);
    return library->handle == NULL ? NULL : dlsym(library->handle, name);
}
