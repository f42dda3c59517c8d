#pragma once
// Clang's thread-safety analysis (-Wthread-safety; https://clang.llvm.org/docs/ThreadSafetyAnalysis.html),
// spelled as LevelDB's port/thread_annotations.h spells it. Under clang each macro is the
// attribute; under any other compiler it is nothing, so the annotations cost nothing and
// change no behaviour: they are checked at compile time by the clang build (the fuzz build,
// tools/fuzz.sh, compiles every library with -Werror=thread-safety; see CMakeLists.txt).
//
// The capabilities are core::mutex and core::shared_mutex (core/mutex.hpp); std::mutex
// carries no annotations in libstdc++, so it is not used for guarded data directly.
//
//   core::mutex mutex_;
//   int count_ GUARDED_BY(mutex_) = 0;          // read or written only with mutex_ held
//   std::unique_ptr<T> p_ PT_GUARDED_BY(mutex_); // *p_ only with mutex_ held (p_ itself free)
//   void bump() REQUIRES(mutex_);               // the caller holds mutex_
//   void poll() EXCLUDES(mutex_);               // the caller must not hold mutex_ (it locks it)
//
// Code the analysis cannot follow (a lock taken through a pointer it cannot see, say) opts
// out with NO_THREAD_SAFETY_ANALYSIS and a comment saying why it is right anyway.

#if defined(__clang__)
#define MIXTAPE_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define MIXTAPE_THREAD_ANNOTATION(x)  // not clang: no analysis
#endif

// On a class: its objects are capabilities (locks) named `x` in diagnostics.
#ifndef CAPABILITY
#define CAPABILITY(x) MIXTAPE_THREAD_ANNOTATION(capability(x))
#endif
// On a class: an RAII object that holds a capability for its lifetime.
#ifndef SCOPED_CAPABILITY
#define SCOPED_CAPABILITY MIXTAPE_THREAD_ANNOTATION(scoped_lockable)
#endif

// On data: accessed only with the capability held (shared for reads, exclusive for writes).
#ifndef GUARDED_BY
#define GUARDED_BY(x) MIXTAPE_THREAD_ANNOTATION(guarded_by(x))
#endif
// On a pointer (raw or smart): what it points to is accessed only with the capability held.
#ifndef PT_GUARDED_BY
#define PT_GUARDED_BY(x) MIXTAPE_THREAD_ANNOTATION(pt_guarded_by(x))
#endif
// On a capability: the lock order (taken after / before the listed ones).
#ifndef ACQUIRED_AFTER
#define ACQUIRED_AFTER(...) MIXTAPE_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#endif
#ifndef ACQUIRED_BEFORE
#define ACQUIRED_BEFORE(...) MIXTAPE_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#endif

// On a function: the caller holds the capabilities (exclusively / at least shared).
#ifndef REQUIRES
#define REQUIRES(...) MIXTAPE_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#endif
#ifndef REQUIRES_SHARED
#define REQUIRES_SHARED(...) MIXTAPE_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#endif
// LevelDB's older names for the same two.
#ifndef EXCLUSIVE_LOCKS_REQUIRED
#define EXCLUSIVE_LOCKS_REQUIRED(...) REQUIRES(__VA_ARGS__)
#endif
#ifndef SHARED_LOCKS_REQUIRED
#define SHARED_LOCKS_REQUIRED(...) REQUIRES_SHARED(__VA_ARGS__)
#endif
// On a function: the caller must not hold the capabilities (the function takes them).
#ifndef EXCLUDES
#define EXCLUDES(...) MIXTAPE_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#endif
#ifndef LOCKS_EXCLUDED
#define LOCKS_EXCLUDED(...) EXCLUDES(__VA_ARGS__)
#endif

// On a function: it takes / gives back the capabilities (none listed: `this`).
#ifndef ACQUIRE
#define ACQUIRE(...) MIXTAPE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#endif
#ifndef ACQUIRE_SHARED
#define ACQUIRE_SHARED(...) MIXTAPE_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#endif
#ifndef RELEASE
#define RELEASE(...) MIXTAPE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#endif
#ifndef RELEASE_SHARED
#define RELEASE_SHARED(...) MIXTAPE_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#endif
// On a function: takes the capability when it returns the first argument.
#ifndef TRY_ACQUIRE
#define TRY_ACQUIRE(...) MIXTAPE_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#endif
#ifndef TRY_ACQUIRE_SHARED
#define TRY_ACQUIRE_SHARED(...) MIXTAPE_THREAD_ANNOTATION(try_acquire_shared_capability(__VA_ARGS__))
#endif
// On a function: from here on the analysis assumes the capability is held (checked by
// the function at run time, or known from the context).
#ifndef ASSERT_CAPABILITY
#define ASSERT_CAPABILITY(x) MIXTAPE_THREAD_ANNOTATION(assert_capability(x))
#endif
#ifndef ASSERT_SHARED_CAPABILITY
#define ASSERT_SHARED_CAPABILITY(x) MIXTAPE_THREAD_ANNOTATION(assert_shared_capability(x))
#endif
// On a function: it returns a reference to the capability `x`.
#ifndef RETURN_CAPABILITY
#define RETURN_CAPABILITY(x) MIXTAPE_THREAD_ANNOTATION(lock_returned(x))
#endif
// On a function: not analysed (say why beside it).
#ifndef NO_THREAD_SAFETY_ANALYSIS
#define NO_THREAD_SAFETY_ANALYSIS MIXTAPE_THREAD_ANNOTATION(no_thread_safety_analysis)
#endif
