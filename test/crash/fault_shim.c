/* Real faults for the crash tests, injected with LD_PRELOAD into the real mixtaped.
 * Off unless MIXTAPE_FAULT_OP is set; then calls of that operation on files whose path
 * contains MIXTAPE_FAULT_PATH fail, once the file MIXTAPE_FAULT_TRIGGER exists:
 *   MIXTAPE_FAULT_OP       "fdatasync" or "write" (write(2) and pwrite(2))
 *   MIXTAPE_FAULT_ERRNO    the errno to fail with (default EIO)
 *   MIXTAPE_FAULT_PATH     a substring of the file's path (default ".journal")
 *   MIXTAPE_FAULT_TRIGGER  faults start once this file exists (so the test picks the moment)
 *   MIXTAPE_FAULT_SHORT    "1": the first failing write first writes half its bytes (a short
 *                          write, as a filling disk does), the following calls fail.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int short_done = 0;

/* Whether `op` on `fd` must fail now. Keeps errno unchanged when it returns 0. */
static int should_fail(const char* op, int fd) {
  const char* want = getenv("MIXTAPE_FAULT_OP");
  if (want == NULL || strcmp(want, op) != 0) return 0;
  const int saved = errno;
  const char* trigger = getenv("MIXTAPE_FAULT_TRIGGER");
  struct stat st;
  if (trigger != NULL && stat(trigger, &st) != 0) {
    errno = saved;
    return 0;
  }
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, target, sizeof target - 1);
  errno = saved;
  if (n <= 0) return 0;
  target[n] = '\0';
  const char* path = getenv("MIXTAPE_FAULT_PATH");
  return strstr(target, path != NULL ? path : ".journal") != NULL;
}

static int fault_errno(void) {
  const char* e = getenv("MIXTAPE_FAULT_ERRNO");
  return e != NULL ? atoi(e) : EIO;
}

/* How many of `count` bytes a faulty write lets through: -1 to fail it with the fault's
 * errno, else `count` (no fault) or half of it (the short write). */
static ssize_t write_allowance(int fd, size_t count) {
  if (!should_fail("write", fd)) return (ssize_t)count;
  const char* s = getenv("MIXTAPE_FAULT_SHORT");
  if (s != NULL && strcmp(s, "1") == 0 && !short_done && count > 1) {
    short_done = 1;
    return (ssize_t)(count / 2);
  }
  errno = fault_errno();
  return -1;
}

ssize_t write(int fd, const void* buf, size_t count) {
  static ssize_t (*real)(int, const void*, size_t) = NULL;
  if (real == NULL) *(void**)(&real) = dlsym(RTLD_NEXT, "write"); /* POSIX's way: no cast warning */
  const ssize_t n = write_allowance(fd, count);
  return n < 0 ? -1 : real(fd, buf, (size_t)n);
}

/* The journal writes with pwrite(2) (pwrite64 is the same call on 64-bit glibc). */
static ssize_t faulty_pwrite(const char* name, int fd, const void* buf, size_t count, off_t offset) {
  ssize_t (*real)(int, const void*, size_t, off_t) = NULL;
  *(void**)(&real) = dlsym(RTLD_NEXT, name);
  const ssize_t n = write_allowance(fd, count);
  return n < 0 ? -1 : real(fd, buf, (size_t)n, offset);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  return faulty_pwrite("pwrite", fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
  return faulty_pwrite("pwrite64", fd, buf, count, offset);
}

int fdatasync(int fd) {
  static int (*real)(int) = NULL;
  if (real == NULL) *(void**)(&real) = dlsym(RTLD_NEXT, "fdatasync");
  if (should_fail("fdatasync", fd)) {
    errno = fault_errno();
    return -1;
  }
  return real(fd);
}
