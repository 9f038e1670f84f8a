// A shared library opened on the first call into it, and the macro that forwards a call to it.
#ifndef ON_DEMAND_LIBRARY_H
#define ON_DEMAND_LIBRARY_H

#include <pthread.h>
#include <stddef.h>

/// A library to open on demand: the names to try in order, the symbols it must define, what to
/// tell the operator when it cannot be used, and, once opened, its handle (NULL when it could not
/// be opened or lacks a symbol: then no call reaches it, rather than some).
struct OnDemandLibrary {
    const char *const *names;
    size_t nameCount;
    /// Every symbol the forwarders resolve.
    const char *const *symbols;
    size_t symbolCount;
    /// The sentence printed on stderr, once, when the library cannot be used (libpq's own error
    /// messages would not say a library is missing).
    const char *missing;
    void *handle;
    pthread_once_t once;
};

/// Opens `library` (for `pthread_once`, through a function of no arguments per library).
void onDemandOpen(struct OnDemandLibrary *library);

/// The symbol `name` of `library`, opened by `open` on the first call; NULL when the library
/// cannot be used.
void *onDemandResolve(struct OnDemandLibrary *library, void (*open)(void), const char *name);

/// Defines `name` to call the function of that name that `resolve(#name)` finds (looked up once),
/// or to return `fallback` when the library cannot be used. Each file defines its own `resolve`.
#define FORWARD(type, name, fallback, parameters, arguments)                        \
    type name parameters {                                                         \
        static __typeof__(name) *cached;                                           \
        __typeof__(name) *real = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);       \
        if (real == NULL) {                                                        \
            real = (__typeof__(name) *)resolve(#name);                             \
            __atomic_store_n(&cached, real, __ATOMIC_RELEASE);                     \
        }                                                                          \
        return real == NULL ? fallback : real arguments;                           \
    }

#endif
