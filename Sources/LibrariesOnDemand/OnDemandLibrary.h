// A shared library opened on the first call into it, and the macro that forwards a call to it.
#ifndef ON_DEMAND_LIBRARY_H
#define ON_DEMAND_LIBRARY_H

#include <pthread.h>
#include <stddef.h>

/// A library to open on demand: the names to try in order, what to tell the operator when none
/// opens, and, once opened, its handle (NULL when it could not be).
struct OnDemandLibrary {
    const char *const *names;
    size_t nameCount;
    /// The sentence printed on stderr, once, when the library cannot be opened (libpq's own error
    /// messages would not say a library is missing).
    const char *missing;
    void *handle;
    pthread_once_t once;
};

/// Opens `library` (for `pthread_once`, through a function of no arguments per library).
void onDemandOpen(struct OnDemandLibrary *library);

/// The symbol `name` of `library`, opened by `open` on the first call; NULL when the library
/// could not be opened.
void *onDemandResolve(struct OnDemandLibrary *library, void (*open)(void), const char *name);

/// Defines `name` to call the function of that name that `resolve(#name)` finds, or to return
/// `fallback` when the library could not be opened. Each file defines its own `resolve`.
#define FORWARD(type, name, fallback, parameters, arguments)         \
    type name parameters {                                          \
        __typeof__(name) *real = (__typeof__(name) *)resolve(#name); \
        return real == NULL ? fallback : real arguments;             \
    }

#endif
