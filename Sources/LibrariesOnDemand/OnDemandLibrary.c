// Opening a library on demand (OnDemandLibrary.h).
#include "OnDemandLibrary.h"

#include <dlfcn.h>
#include <stdio.h>

void onDemandOpen(struct OnDemandLibrary *library) {
    for (size_t index = 0; index < library->nameCount && library->handle == NULL; index++) {
        library->handle = dlopen(library->names[index], RTLD_NOW | RTLD_LOCAL);
    }
    if (library->handle == NULL) {
        fprintf(stderr, "pgvigil: %s (%s)\n", library->missing, dlerror());
        return;
    }
    for (size_t index = 0; index < library->symbolCount; index++) {
        if (dlsym(library->handle, library->symbols[index]) == NULL) {
            fprintf(stderr, "pgvigil: %s (it lacks %s)\n", library->missing, library->symbols[index]);
            dlclose(library->handle);
            library->handle = NULL;
            return;
        }
    }
}

void *onDemandResolve(struct OnDemandLibrary *library, void (*open)(void), const char *name) {
    pthread_once(&library->once, open);
    return library->handle == NULL ? NULL : dlsym(library->handle, name);
}
