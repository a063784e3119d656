// twinmap-floor: what this machine allows, measured the same way the bench measures twinmap.
// Every case runs as two processes (fork) pinned to two different CPUs, sharing a
// MAP_SHARED mapping, and prints one JSON object on stdout.
//
//   twinmap-floor spin   [n=100000] [warmup=20000] [maxms=0]  ping-pong on one cache line
//   twinmap-floor futex  [n=100000] [warmup=2000]  [maxms=0]  FUTEX_WAIT/FUTEX_WAKE ping-pong
//                        (maxms: stop early when the measured part takes longer; "n" says how many)
//   twinmap-floor ring   [size=1024] [ring=8388608] [ms=1000]   SPSC ring, copy in + copy out
//   twinmap-floor memcpy [size=1048576] [ms=300]                one core copying
//   twinmap-floor mutex  [n=1000000] [ms=1000]                  robust pshared pthread mutex
//
// Latency: one timestamp per round trip on the ping side (rdtsc on x86-64, scaled by the
// run's own CLOCK_MONOTONIC span), percentiles over n round trips after the warm-up.
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define cpu_relax() _mm_pause()
static inline uint64_t ticks(void) { return __rdtsc(); }
#else
#define cpu_relax() ((void)0)
static inline uint64_t ticks(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

// ---------- arguments ----------
static int g_argc;
static char** g_argv;

static const char* arg(const char* key, const char* fallback) {
  size_t k = strlen(key);
  for (int i = 2; i < g_argc; i++)
    if (strncmp(g_argv[i], key, k) == 0 && g_argv[i][k] == '=') return g_argv[i] + k + 1;
  return fallback;
}

static long long arg_ll(const char* key, long long fallback) {
  const char* v = arg(key, NULL);
  if (!v) return fallback;
  char* end;
  long long n = strtoll(v, &end, 10);
  if (*end != '\0' || n < 0) {
    fprintf(stderr, "twinmap-floor: %s=%s is not a non-negative integer\n", key, v);
    exit(2);
  }
  return n;
}

static void die(const char* what) {
  fprintf(stderr, "twinmap-floor: %s: %s\n", what, strerror(errno));
  exit(1);
}

// ---------- processes, memory, time ----------
static int g_cpu[2] = {0, 1};

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

static void* shared(size_t size) {
  void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED) die("mmap");
  return p;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

// Runs child() on the second CPU in a forked process, parent() on the first; waits for the child.
static void two_sides(void (*parent)(void*), void (*child)(void*), void* ctx) {
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    pin(g_cpu[1]);
    child(ctx);
    _exit(0);
  }
  pin(g_cpu[0]);
  parent(ctx);
  int status;
  if (waitpid(pid, &status, 0) < 0) die("waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "twinmap-floor: child failed\n");
    exit(1);
  }
}

static void print_machine(void) {
  printf("\"cpus\":[%d,%d]", g_cpu[0], g_cpu[1]);
}

// ---------- latency statistics ----------
static int cmp_u64(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

static const double kPercentiles[] = {0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100};

// Prints "rtt":{...} in ns from tick samples; ns_per_tick from the run's own span.
static void print_latency(uint64_t* t, long long n, double ns_per_tick, double total_ns) {
  qsort(t, (size_t)n, sizeof *t, cmp_u64);
  double sum = 0;
  for (long long i = 0; i < n; i++) sum += (double)t[i];
  printf("\"n\":%lld,\"perSecond\":%.1f,\"meanNs\":%.1f,\"percentiles\":[", n, (double)n * 1e9 / total_ns,
         sum / (double)n * ns_per_tick);
  size_t np = sizeof kPercentiles / sizeof kPercentiles[0];
  for (size_t i = 0; i < np; i++) {
    long long idx = (long long)(kPercentiles[i] / 100.0 * (double)(n - 1) + 0.5);
    printf("%s[%g,%.1f]", i ? "," : "", kPercentiles[i], (double)t[idx] * ns_per_tick);
  }
  printf("]");
}

// ---------- (a) spin on one shared cache line ----------
// seq odd = ping's turn done, pong must answer with seq+1. 56 payload bytes travel each way.
typedef struct {
  _Alignas(64) _Atomic uint64_t seq;
  unsigned char payload[56];
} line_t;

typedef struct {
  line_t* line;
  long long n, warmup;
  uint64_t* samples;
  double ns_per_tick, total_ns;
  int use_futex;
  _Atomic uint32_t* word;       // futex variant: the word both sides sleep on
  _Atomic long long* total;     // shared: round trips in all (warm-up included); ping lowers it at maxms
  double max_ns;                // time cap for the measured round trips (0: none)
} pingpong_t;

static long futex(_Atomic uint32_t* addr, int op, uint32_t val) {
  return syscall(SYS_futex, (uint32_t*)addr, op, val, NULL, NULL, 0);
}

static void wait_for(pingpong_t* c, uint64_t want) {
  if (!c->use_futex) {
    while (atomic_load_explicit(&c->line->seq, memory_order_acquire) != want) cpu_relax();
    return;
  }
  // Never spins: sleeps in the kernel until the other side changes the word.
  for (;;) {
    uint32_t w = atomic_load_explicit(c->word, memory_order_acquire);
    if (w == (uint32_t)want) return;
    futex(c->word, FUTEX_WAIT, w);
  }
}

static void post(pingpong_t* c, uint64_t seq) {
  if (!c->use_futex) {
    atomic_store_explicit(&c->line->seq, seq, memory_order_release);
    return;
  }
  atomic_store_explicit(c->word, (uint32_t)seq, memory_order_release);
  futex(c->word, FUTEX_WAKE, 1);
}

static void ping(void* ctx) {
  pingpong_t* c = ctx;
  unsigned char out[56], in[56];
  memset(out, 0xA5, sizeof out);
  uint64_t seq = 0, t0 = 0;
  double wall0 = 0;
  long long i;
  for (i = 0; i < c->warmup + c->n; i++) {
    if (i == c->warmup) {
      wall0 = now_ns();
      t0 = ticks();
    }
    if (c->max_ns > 0 && i > c->warmup && (i & 1023) == 0 && now_ns() - wall0 > c->max_ns) {
      // Out of time: tell pong how many there were, and wake it to see that.
      atomic_store(c->total, i);
      post(c, ++seq);
      break;
    }
    uint64_t start = ticks();
    memcpy(out, &i, sizeof i);
    memcpy(c->line->payload, out, sizeof out);
    post(c, ++seq);
    wait_for(c, ++seq);
    memcpy(in, c->line->payload, sizeof in);
    if (memcmp(in, &i, sizeof i) != 0) {
      fprintf(stderr, "twinmap-floor: payload mismatch at %lld\n", i);
      exit(1);
    }
    if (i >= c->warmup) c->samples[i - c->warmup] = ticks() - start;
  }
  uint64_t t1 = ticks();
  c->total_ns = now_ns() - wall0;
  c->ns_per_tick = c->total_ns / (double)(t1 - t0);
  c->n = i - c->warmup;
}

static void pong(void* ctx) {
  pingpong_t* c = ctx;
  unsigned char buf[56];
  uint64_t seq = 0;
  for (long long i = 0;; i++) {
    if (i >= atomic_load(c->total)) break;
    wait_for(c, ++seq);
    if (i >= atomic_load(c->total)) break;
    memcpy(buf, c->line->payload, sizeof buf);  // read the request, answer with the same bytes
    memcpy(c->line->payload, buf, sizeof buf);
    post(c, ++seq);
  }
}

static int run_pingpong(int use_futex) {
  pingpong_t c = {0};
  c.use_futex = use_futex;
  c.n = arg_ll("n", 100000);
  c.warmup = arg_ll("warmup", use_futex ? 2000 : 20000);
  if (c.n < 1) c.n = 1;
  c.max_ns = (double)arg_ll("maxms", 0) * 1e6;
  c.line = shared(4096);
  c.word = (_Atomic uint32_t*)((char*)c.line + 2048);
  c.total = (_Atomic long long*)((char*)c.line + 1024);
  atomic_store(c.total, c.warmup + c.n);
  c.samples = malloc((size_t)c.n * sizeof *c.samples);
  if (!c.samples) die("malloc");
  two_sides(ping, pong, &c);
  printf("{\"case\":\"%s\",\"bytes\":64,", use_futex ? "futex" : "spin");
  print_machine();
  printf(",\"rtt\":{");
  print_latency(c.samples, c.n, c.ns_per_tick, c.total_ns);
  printf("}}\n");
  return 0;
}

// ---------- (c) SPSC ring: producer copies records in, consumer copies them out ----------
// Record: u32 length, u32 sequence, payload, padded to 8 bytes. length 0 ends the run;
// length UINT32_MAX means "skip to the start of the ring" (the record did not fit before the end).
typedef struct {
  _Alignas(128) _Atomic uint64_t head;  // bytes written (producer)
  _Alignas(128) _Atomic uint64_t tail;  // bytes consumed (consumer)
  _Alignas(128) double start_ns, end_ns;
  uint64_t messages, bad;
} ring_hdr_t;

typedef struct {
  ring_hdr_t* hdr;
  unsigned char* data;
  uint64_t ring;  // power of two
  uint32_t size;
  double ms;
} ring_t;

#define PAD_MARK UINT32_MAX
static inline uint64_t rec_bytes(uint32_t size) { return (8 + (uint64_t)size + 7) & ~(uint64_t)7; }

static void producer(void* ctx) {
  ring_t* r = ctx;
  unsigned char* src = malloc(r->size ? r->size : 1);
  if (!src) die("malloc");
  memset(src, 0x5A, r->size);
  uint64_t head = 0, tail = 0, need = rec_bytes(r->size);
  double deadline = now_ns() + r->ms * 1e6;
  r->hdr->start_ns = now_ns();
  for (uint32_t seq = 1;; seq++) {
    int stop = (seq & 63) == 0 && now_ns() >= deadline;
    uint64_t this_need = stop ? 8 : need;
    uint64_t off = head & (r->ring - 1);
    uint64_t skip = (off + this_need > r->ring) ? r->ring - off : 0;
    while (head + skip + this_need - tail > r->ring) {
      tail = atomic_load_explicit(&r->hdr->tail, memory_order_acquire);
      if (head + skip + this_need - tail > r->ring) cpu_relax();
    }
    if (skip) {
      *(uint32_t*)(r->data + off) = PAD_MARK;
      head += skip;
      off = 0;
    }
    uint32_t* rec = (uint32_t*)(r->data + off);
    rec[0] = stop ? 0 : r->size;
    rec[1] = seq;
    if (!stop) memcpy(rec + 2, src, r->size);
    head += this_need;
    atomic_store_explicit(&r->hdr->head, head, memory_order_release);
    if (stop) break;
  }
  free(src);
}

static void consumer(void* ctx) {
  ring_t* r = ctx;
  unsigned char* dst = malloc(r->size ? r->size : 1);
  if (!dst) die("malloc");
  uint64_t head = 0, tail = 0, messages = 0, bad = 0;
  for (uint32_t expect = 1;;) {
    while (tail == head) {
      head = atomic_load_explicit(&r->hdr->head, memory_order_acquire);
      if (tail == head) cpu_relax();
    }
    uint64_t off = tail & (r->ring - 1);
    uint32_t* rec = (uint32_t*)(r->data + off);
    if (rec[0] == PAD_MARK) {
      tail += r->ring - off;
      continue;
    }
    uint32_t len = rec[0];
    if (rec[1] != expect++) bad++;
    if (len == 0) break;
    memcpy(dst, rec + 2, len);
    if (dst[len - 1] != 0x5A) bad++;
    messages++;
    tail += rec_bytes(len);
    atomic_store_explicit(&r->hdr->tail, tail, memory_order_release);
  }
  r->hdr->end_ns = now_ns();
  r->hdr->messages = messages;
  r->hdr->bad = bad;
  free(dst);
}

static int run_ring(void) {
  ring_t r;
  r.size = (uint32_t)arg_ll("size", 1024);
  r.ring = (uint64_t)arg_ll("ring", 8 << 20);
  r.ms = (double)arg_ll("ms", 1000);
  if (r.size == 0 || (r.ring & (r.ring - 1)) != 0 || rec_bytes(r.size) * 2 > r.ring) {
    fprintf(stderr, "twinmap-floor: ring=%llu must be a power of two holding two records of size=%u\n",
            (unsigned long long)r.ring, r.size);
    return 2;
  }
  r.hdr = shared(sizeof(ring_hdr_t));
  r.data = shared(r.ring);
  two_sides(producer, consumer, &r);
  double secs = (r.hdr->end_ns - r.hdr->start_ns) / 1e9;
  double msgs = (double)r.hdr->messages;
  printf("{\"case\":\"ring\",\"bytes\":%u,\"ringBytes\":%llu,", r.size, (unsigned long long)r.ring);
  print_machine();
  printf(",\"messages\":%.0f,\"seconds\":%.6f,\"messagesPerSecond\":%.1f,\"gbPerSecond\":%.4f,\"bad\":%llu}\n",
         msgs, secs, msgs / secs, msgs * r.size / secs / 1e9, (unsigned long long)r.hdr->bad);
  return r.hdr->bad ? 1 : 0;
}

// ---------- memcpy bandwidth, one core ----------
static int run_memcpy(void) {
  size_t size = (size_t)arg_ll("size", 1 << 20);
  double ms = (double)arg_ll("ms", 300);
  if (size == 0) size = 1;
  unsigned char *a = aligned_alloc(64, (size + 63) & ~(size_t)63), *b = aligned_alloc(64, (size + 63) & ~(size_t)63);
  if (!a || !b) die("aligned_alloc");
  memset(a, 1, size);
  memset(b, 2, size);
  pin(g_cpu[0]);
  uint64_t copies = 0, batch = size >= (1 << 20) ? 1 : (1 << 20) / size;
  double start = now_ns(), deadline = start + ms * 1e6, end;
  do {
    for (uint64_t i = 0; i < batch; i++) {
      memcpy((copies + i) & 1 ? a : b, (copies + i) & 1 ? b : a, size);
      __asm__ volatile("" ::: "memory");  // keep every copy
    }
    copies += batch;
  } while ((end = now_ns()) < deadline);
  double secs = (end - start) / 1e9;
  printf("{\"case\":\"memcpy\",\"bytes\":%zu,\"cpu\":%d,\"copies\":%llu,\"seconds\":%.6f,\"gbPerSecond\":%.4f}\n", size,
         g_cpu[0], (unsigned long long)copies, secs, (double)copies * (double)size / secs / 1e9);
  free(a);
  free(b);
  return 0;
}

// ---------- robust process-shared pthread mutex (what a .NET named mutex is on Linux) ----------
typedef struct {
  pthread_mutex_t m;
  _Atomic int go;
  double ms;
  uint64_t pairs[2];
} mutex_ctx_t;

static void mutex_loop(mutex_ctx_t* c, int side) {
  uint64_t n = 0;
  atomic_fetch_add(&c->go, 1);
  while (atomic_load(&c->go) < 2) cpu_relax();
  double deadline = now_ns() + c->ms * 1e6;
  do {
    for (int i = 0; i < 256; i++) {
      if (pthread_mutex_lock(&c->m) != 0) die("pthread_mutex_lock");
      pthread_mutex_unlock(&c->m);
    }
    n += 256;
  } while (now_ns() < deadline);
  c->pairs[side] = n;
}
static void mutex_parent(void* ctx) { mutex_loop(ctx, 0); }
static void mutex_child(void* ctx) { mutex_loop(ctx, 1); }

static int run_mutex(void) {
  mutex_ctx_t* c = shared(sizeof *c);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&c->m, &attr);
  c->ms = (double)arg_ll("ms", 1000);

  // Uncontended: one process, lock + unlock.
  long long n = arg_ll("n", 1000000);
  if (n < 1) n = 1;
  pin(g_cpu[0]);
  double t0 = now_ns();
  for (long long i = 0; i < n; i++) {
    pthread_mutex_lock(&c->m);
    pthread_mutex_unlock(&c->m);
  }
  double uncontended = (now_ns() - t0) / (double)n;

  // Contended: two processes on two CPUs hammer the same mutex.
  two_sides(mutex_parent, mutex_child, c);
  double pairs = (double)(c->pairs[0] + c->pairs[1]);
  printf("{\"case\":\"mutex\",");
  print_machine();
  printf(",\"uncontendedNs\":%.2f,\"contendedPairs\":%.0f,\"contendedNs\":%.2f,\"contendedSplit\":[%llu,%llu]}\n",
         uncontended, pairs, c->ms * 1e6 / pairs, (unsigned long long)c->pairs[0], (unsigned long long)c->pairs[1]);
  return 0;
}

int main(int argc, char** argv) {
  g_argc = argc;
  g_argv = argv;
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  if (argc < 2) {
    fprintf(stderr, "usage: twinmap-floor spin|futex|ring|memcpy|mutex [key=value ...]\n");
    return 2;
  }
  const char* cpus = arg("cpus", "0,1");
  if (sscanf(cpus, "%d,%d", &g_cpu[0], &g_cpu[1]) != 2) {
    fprintf(stderr, "twinmap-floor: cpus=%s must be two CPU numbers, e.g. cpus=0,1\n", cpus);
    return 2;
  }
  const char* c = argv[1];
  if (strcmp(c, "spin") == 0) return run_pingpong(0);
  if (strcmp(c, "futex") == 0) return run_pingpong(1);
  if (strcmp(c, "ring") == 0) return run_ring();
  if (strcmp(c, "memcpy") == 0) return run_memcpy();
  if (strcmp(c, "mutex") == 0) return run_mutex();
  fprintf(stderr, "twinmap-floor: unknown case '%s'\n", c);
  return 2;
}
