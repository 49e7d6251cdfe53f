/* loadgen.c: the HTTP load generator of `make bench` (scripts/bench.sh).
 *
 * A closed loop over N keep-alive HTTP/1.1 connections: each connection
 * sends one request, waits for the whole reply (Content-Length framed),
 * records the latency and sends the next. Plain sockets, non-blocking, one
 * epoll loop per thread (connections are spread over the threads), so 64
 * connections cost 2 threads, not 64, on a machine the server shares.
 *
 * Connections open one after the other, --connect-gap-us apart (5 ms),
 * during the warm-up: a burst of simultaneous connects can land every
 * connection on one thread of a thread-pool server (libmicrohttpd keeps a
 * keep-alive connection on the thread that accepted it), and the run then
 * measures one thread, not the server.
 *
 * Honest counting: only 2xx replies are successes; 409s (and among them
 * insufficient_inventory), other 4xx, 5xx and socket/protocol errors are
 * counted apart. Throughput and percentiles cover the replies that
 * complete inside the measured window (after the warm-up); latency runs
 * from the first byte written to the last byte read, so it includes time
 * queued in the server. Replies still in flight when the window closes are
 * awaited (not counted in the window) so that ok_total equals what the
 * server committed, which scripts/bench.sh compares with the database.
 *
 * Modes:
 *   capture  POST /v1/orders, `--lines` lines per order, skus drawn
 *            uniformly from [--sku-from, --sku-to], or from the first
 *            `--hot` skus of that range; channel, ship method and address
 *            vary per order; external ids are unique per run
 *   avail    GET /v1/channels/{c}/availability?sku=..., `--per-call` skus
 *   get      GET --path (a baseline such as /health)
 *
 * Output: a human line on stdout, then one machine line starting with
 * "RESULT " (key=value pairs) that scripts/bench.sh collects.
 *
 * Build: cc -O2 -std=gnu11 -pthread -o oms_loadgen bench/loadgen.c (no
 * dependencies; scripts/bench.sh does this when CMake did not build it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum mode { M_CAPTURE, M_AVAIL, M_GET };

static struct {
  const char *host;
  int port;
  const char *key;
  enum mode mode;
  int conns, threads;
  double seconds, warmup;
  int sku_from, sku_to, hot, lines, per_call;
  const char *sku_prefix;
  int sku_digits;
  const char *channel; /* avail: the channel; capture: NULL = a mix */
  const char *path;
  const char *name;
  const char *run_id;
  int qty_max;
  int connect_gap_us;
} opt = {
    .host = "127.0.0.1",
    .port = 8080,
    .mode = M_CAPTURE,
    .conns = 32,
    .threads = 0,
    .seconds = 10,
    .warmup = 2,
    .sku_from = 1,
    .sku_to = 10000,
    .hot = 0,
    .lines = 2,
    .per_call = 1,
    .sku_prefix = "SKU-",
    .sku_digits = 5,
    .path = "/health",
    .name = "run",
    .run_id = "r",
    .qty_max = 2,
    .connect_gap_us = 5000,
};

static struct sockaddr_in g_addr;
static int64_t g_t0, g_warm_end, g_end; /* monotonic ns */

static int64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- per connection ---- */

enum cstate { C_IDLE, C_SEND, C_RECV, C_DONE };

struct conn {
  int fd;
  int id;
  enum cstate st;
  char *req;
  size_t req_len, req_cap, sent;
  char *buf;
  size_t got, cap;
  size_t hdr_len;     /* 0 until the header end is found */
  long long body_len; /* Content-Length */
  int status;
  bool server_closes;
  int64_t t_start;
  uint64_t rng;
  uint64_t seq;
};

struct stats {
  uint32_t *lat_us; /* window samples (2xx only) */
  size_t n_lat, cap_lat;
  uint64_t ok, s409, insufficient, s4xx, s5xx, neterr, proto, reconnects;
  uint64_t ok_total, all_total; /* whole run, warm-up and drain included */
  uint64_t bytes_in;
  char first_err[320];
};

struct worker {
  pthread_t th;
  int idx;
  int epfd;
  struct conn *conns;
  int nconns;
  struct stats st;
};

static uint64_t rnd(uint64_t *s)
{
  /* xorshift64* */
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static int rnd_int(uint64_t *s, int lo, int hi) /* inclusive */
{
  return lo + (int)(rnd(s) % (uint64_t)(hi - lo + 1));
}

/* The catalog price of sku number i: the same formula as bench/seed.sql. */
static long long sku_price(int i)
{
  return 499 + (long long)((i * 7919) % 20000);
}

static void ensure_req(struct conn *c, size_t need)
{
  if (c->req_cap < need) {
    c->req_cap = need * 2;
    c->req = realloc(c->req, c->req_cap);
  }
}

struct city {
  const char *city, *region, *zip;
  double lat, lon;
};
static const struct city cities[] = {
    {"New York", "NY", "10001", 40.71, -74.01},   {"Chicago", "IL", "60601", 41.88, -87.63},
    {"Houston", "TX", "77001", 29.76, -95.37},    {"Phoenix", "AZ", "85001", 33.45, -112.07},
    {"Philadelphia", "PA", "19101", 39.95, -75.17}, {"San Antonio", "TX", "78201", 29.42, -98.49},
    {"San Diego", "CA", "92101", 32.72, -117.16}, {"Dallas", "TX", "75201", 32.78, -96.80},
    {"Seattle", "WA", "98101", 47.61, -122.33},   {"Denver", "CO", "80201", 39.74, -104.99},
    {"Boston", "MA", "02101", 42.36, -71.06},     {"Atlanta", "GA", "30301", 33.75, -84.39},
    {"Miami", "FL", "33101", 25.76, -80.19},      {"Portland", "OR", "97201", 45.52, -122.68},
    {"Detroit", "MI", "48201", 42.33, -83.05},    {"Minneapolis", "MN", "55401", 44.98, -93.27},
};
#define NCITIES (sizeof cities / sizeof cities[0])

/* sku number n as the catalog names it: SKU-00042 */
static void sku_name(char *out, size_t size, int n)
{
  snprintf(out, size, "%s%0*d", opt.sku_prefix, opt.sku_digits, n);
}

static int pick_sku(struct conn *c)
{
  if (opt.hot > 0)
    return opt.sku_from + rnd_int(&c->rng, 0, opt.hot - 1);
  return rnd_int(&c->rng, opt.sku_from, opt.sku_to);
}

/* Builds the next request of connection c into c->req. */
static void build_request(struct conn *c)
{
  char body[4096], sku[64];
  int bl = 0;
  c->seq++;
  if (opt.mode == M_CAPTURE) {
    int skus[16];
    int n = opt.lines;
    int pool = opt.hot > 0 ? opt.hot : opt.sku_to - opt.sku_from + 1;
    for (int i = 0; i < n; i++) {
      for (;;) { /* distinct skus per order (when the pool allows) */
        skus[i] = pick_sku(c);
        bool dup = false;
        for (int k = 0; k < i; k++)
          dup |= skus[k] == skus[i];
        if (!dup || pool < n)
          break;
      }
    }
    uint64_t r = rnd(&c->rng);
    const char *channel = opt.channel;
    if (!channel) {
      int p = (int)(r % 100);
      channel = p < 70 ? "web" : p < 90 ? "app" : "marketplace";
    }
    const char *method = ((r >> 8) % 100) < 80 ? "standard" : "express";
    const struct city *ct = &cities[(r >> 16) % NCITIES];
    double lat = ct->lat + (double)((int)((r >> 24) % 200) - 100) / 1000.0;
    double lon = ct->lon + (double)((int)((r >> 32) % 200) - 100) / 1000.0;
    unsigned cust = (unsigned)((r >> 40) % 1000000);
    long long total = 0;
    char lines[2048];
    int ll = 0;
    for (int i = 0; i < n; i++) {
      int q = rnd_int(&c->rng, 1, opt.qty_max);
      long long price = sku_price(skus[i]);
      total += q * price;
      sku_name(sku, sizeof sku, skus[i]);
      ll += snprintf(lines + ll, sizeof lines - (size_t)ll,
                     "%s{\"sku\":\"%s\",\"quantity\":%d,\"unit_price\":%lld}", i ? "," : "", sku,
                     q, price);
    }
    bl = snprintf(body, sizeof body,
                  "{\"channel\":\"%s\",\"external_id\":\"%s-%d-%" PRIu64 "\",\"currency\":\"USD\","
                  "\"customer\":{\"email\":\"c%u@example.com\",\"name\":\"Customer %u\"},"
                  "\"shipping_address\":{\"line1\":\"%u Main St\",\"city\":\"%s\",\"region\":\"%s\","
                  "\"postal_code\":\"%s\",\"country\":\"US\",\"lat\":%.3f,\"lon\":%.3f},"
                  "\"ship_method\":\"%s\",\"lines\":[%s],"
                  "\"payment\":{\"status\":\"authorized\",\"amount\":%lld}}",
                  channel, opt.run_id, c->id, c->seq, cust, cust, 1 + cust % 9999, ct->city,
                  ct->region, ct->zip, lat, lon, method, lines, total);
    ensure_req(c, (size_t)bl + 512 + strlen(opt.key));
    c->req_len = (size_t)snprintf(c->req, c->req_cap,
                                  "POST /v1/orders HTTP/1.1\r\nHost: %s:%d\r\n"
                                  "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                                  "Content-Length: %d\r\n\r\n%s",
                                  opt.host, opt.port, opt.key, bl, body);
  } else if (opt.mode == M_AVAIL) {
    char q[8192];
    int ql = 0;
    for (int i = 0; i < opt.per_call; i++) {
      sku_name(sku, sizeof sku, pick_sku(c));
      ql += snprintf(q + ql, sizeof q - (size_t)ql, "%ssku=%s", i ? "&" : "", sku);
    }
    ensure_req(c, (size_t)ql + 512 + strlen(opt.key));
    c->req_len = (size_t)snprintf(c->req, c->req_cap,
                                  "GET /v1/channels/%s/availability?%s HTTP/1.1\r\nHost: %s:%d\r\n"
                                  "Authorization: Bearer %s\r\n\r\n",
                                  opt.channel ? opt.channel : "web", q, opt.host, opt.port, opt.key);
  } else {
    ensure_req(c, strlen(opt.path) + 512 + (opt.key ? strlen(opt.key) : 0));
    if (opt.key)
      c->req_len = (size_t)snprintf(c->req, c->req_cap,
                                    "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n\r\n",
                                    opt.path, opt.host, opt.port, opt.key);
    else
      c->req_len = (size_t)snprintf(c->req, c->req_cap, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n",
                                    opt.path, opt.host, opt.port);
  }
  c->sent = 0;
}

static int open_conn(struct worker *w, struct conn *c)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&g_addr, sizeof g_addr) != 0) { /* blocking: loopback */
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c};
  if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close(fd);
    return -1;
  }
  c->fd = fd;
  return 0;
}

static void close_conn(struct worker *w, struct conn *c)
{
  if (c->fd >= 0) {
    epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
  }
}

static bool window(int64_t t)
{
  return t >= g_warm_end && t < g_end;
}

static void record(struct worker *w, struct conn *c, int64_t t)
{
  struct stats *s = &w->st;
  bool in = window(t);
  bool ok = c->status >= 200 && c->status < 300;
  s->all_total++;
  if (ok)
    s->ok_total++;
  if (!in)
    return;
  if (ok) {
    s->ok++;
    if (s->n_lat == s->cap_lat) {
      s->cap_lat = s->cap_lat ? s->cap_lat * 2 : 65536;
      s->lat_us = realloc(s->lat_us, s->cap_lat * sizeof *s->lat_us);
    }
    int64_t us = (t - c->t_start) / 1000;
    s->lat_us[s->n_lat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
    return;
  }
  const char *body = c->buf + c->hdr_len;
  size_t blen = (size_t)c->body_len;
  if (c->status == 409) {
    s->s409++;
    if (memmem(body, blen, "insufficient_inventory", 22))
      s->insufficient++;
    else if (!s->first_err[0])
      snprintf(s->first_err, sizeof s->first_err, "%d %.*s", c->status, (int)(blen > 280 ? 280 : blen), body);
  } else {
    if (c->status >= 500)
      s->s5xx++;
    else
      s->s4xx++;
    if (!s->first_err[0])
      snprintf(s->first_err, sizeof s->first_err, "%d %.*s", c->status, (int)(blen > 280 ? 280 : blen), body);
  }
}

/* Parses the status line and headers once "\r\n\r\n" is in the buffer.
 * Returns 1 when parsed, 0 when more bytes are needed, -1 on a protocol error. */
static int parse_head(struct conn *c)
{
  char *end = memmem(c->buf, c->got, "\r\n\r\n", 4);
  if (!end)
    return c->got > 65536 ? -1 : 0;
  c->hdr_len = (size_t)(end - c->buf) + 4;
  if (c->got < 12 || strncmp(c->buf, "HTTP/1.", 7) != 0)
    return -1;
  c->status = atoi(c->buf + 9);
  c->body_len = -1;
  c->server_closes = c->buf[7] == '0'; /* HTTP/1.0 */
  char *p = c->buf;
  while (p < end) {
    char *nl = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
    if (!nl)
      break;
    size_t n = (size_t)(nl - p);
    if (n > 15 && strncasecmp(p, "Content-Length:", 15) == 0)
      c->body_len = atoll(p + 15);
    else if (n > 11 && strncasecmp(p, "Connection:", 11) == 0) {
      char *v = p + 11;
      while (*v == ' ')
        v++;
      if (strncasecmp(v, "close", 5) == 0)
        c->server_closes = true;
    } else if (n > 18 && strncasecmp(p, "Transfer-Encoding:", 18) == 0)
      return -1; /* chunked replies are not expected from omsd */
    p = nl + 2;
  }
  if (c->body_len < 0)
    c->body_len = 0; /* e.g. 204 */
  return 1;
}

static void start_request(struct worker *w, struct conn *c, int64_t t);

static void fail_conn(struct worker *w, struct conn *c, int64_t t, bool proto)
{
  if (proto)
    w->st.proto++;
  else
    w->st.neterr++;
  close_conn(w, c);
  if (t >= g_end) {
    c->st = C_DONE;
    return;
  }
  w->st.reconnects++;
  if (open_conn(w, c) != 0) {
    c->st = C_DONE;
    return;
  }
  start_request(w, c, t);
}

static void try_send(struct worker *w, struct conn *c, int64_t t)
{
  while (c->sent < c->req_len) {
    ssize_t n = send(c->fd, c->req + c->sent, c->req_len - c->sent, MSG_NOSIGNAL);
    if (n > 0) {
      c->sent += (size_t)n;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    if (n < 0 && errno == EINTR)
      continue;
    fail_conn(w, c, t, false);
    return;
  }
  c->st = C_RECV;
}

static void start_request(struct worker *w, struct conn *c, int64_t t)
{
  build_request(c);
  c->got = 0;
  c->hdr_len = 0;
  c->body_len = -1;
  c->status = 0;
  c->st = C_SEND;
  c->t_start = now_ns();
  (void)t;
  try_send(w, c, c->t_start);
}

static void try_recv(struct worker *w, struct conn *c)
{
  for (;;) {
    if (c->cap - c->got < 16384) {
      c->cap *= 2;
      c->buf = realloc(c->buf, c->cap);
    }
    ssize_t n = recv(c->fd, c->buf + c->got, c->cap - c->got - 1, 0);
    if (n > 0) {
      c->got += (size_t)n;
      w->st.bytes_in += (uint64_t)n;
      if (!c->hdr_len) {
        int ph = parse_head(c);
        if (ph < 0) {
          fail_conn(w, c, now_ns(), true);
          return;
        }
        if (ph == 0)
          continue;
      }
      if ((long long)(c->got - c->hdr_len) < c->body_len)
        continue;
      if ((long long)(c->got - c->hdr_len) > c->body_len) {
        fail_conn(w, c, now_ns(), true); /* bytes past the reply: not pipelining */
        return;
      }
      int64_t t = now_ns();
      record(w, c, t);
      if (c->server_closes) {
        w->st.reconnects++;
        close_conn(w, c);
        if (t >= g_end || open_conn(w, c) != 0) {
          c->st = C_DONE;
          return;
        }
      }
      if (t >= g_end) {
        c->st = C_DONE;
        return;
      }
      start_request(w, c, t);
      return;
    }
    if (n == 0) { /* closed by the server mid-reply or while idle */
      fail_conn(w, c, now_ns(), false);
      return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return;
    if (errno == EINTR)
      continue;
    fail_conn(w, c, now_ns(), false);
    return;
  }
}

/* Connection k (global index) opens at g_t0 + k * gap and starts sending at
 * once: clients arrive over the warm-up, as real ones do, instead of in one
 * burst that a thread-pool server may accept all on one thread. */
static int64_t open_due(const struct conn *c)
{
  return g_t0 + (int64_t)c->id * (int64_t)opt.connect_gap_us * 1000LL;
}

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  struct epoll_event evs[128];
  int next = 0; /* connections [0, next) are open (or failed) */
  int64_t t;
  int64_t drain_until = g_end + 10LL * 1000000000LL;
  for (;;) {
    t = now_ns();
    while (next < w->nconns && open_due(&w->conns[next]) <= t && t < g_end) {
      struct conn *c = &w->conns[next++];
      if (open_conn(w, c) != 0) {
        w->st.neterr++;
        c->st = C_DONE;
        continue;
      }
      start_request(w, c, t);
    }
    if (t >= g_end)
      while (next < w->nconns)
        w->conns[next++].st = C_DONE; /* never opened */
    int live = next < w->nconns;
    for (int i = 0; i < next; i++)
      live += w->conns[i].st != C_DONE;
    if (!live || t > drain_until)
      break;
    int timeout = 50;
    if (next < w->nconns) {
      int64_t ms = (open_due(&w->conns[next]) - t) / 1000000;
      if (ms < timeout)
        timeout = ms < 0 ? 0 : (int)ms;
    }
    int n = epoll_wait(w->epfd, evs, 128, timeout);
    for (int i = 0; i < n; i++) {
      struct conn *c = evs[i].data.ptr;
      if (c->st == C_DONE || c->fd < 0)
        continue;
      if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
        if (c->st == C_RECV && (evs[i].events & EPOLLIN)) {
          try_recv(w, c);
          continue;
        }
        fail_conn(w, c, now_ns(), false);
        continue;
      }
      if (c->st == C_SEND && (evs[i].events & EPOLLOUT))
        try_send(w, c, now_ns());
      if (c->st == C_RECV && (evs[i].events & EPOLLIN))
        try_recv(w, c);
    }
  }
  for (int i = 0; i < w->nconns; i++)
    close_conn(w, &w->conns[i]);
  return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static double pct(const uint32_t *v, size_t n, double p)
{
  if (!n)
    return 0;
  size_t i = (size_t)(p / 100.0 * (double)n);
  if (i >= n)
    i = n - 1;
  return v[i] / 1000.0;
}

static void usage(void)
{
  fprintf(stderr,
          "usage: oms_loadgen [--host H] [--port P] [--key KEY] [--mode capture|avail|get]\n"
          "  [--conns N] [--threads T] [--seconds S] [--warmup S] [--name NAME] [--run-id ID]\n"
          "  capture: [--sku-from 1] [--sku-to 10000] [--hot K] [--lines 2] [--qty-max 2] [--channel C]\n"
          "  avail:   [--channel web] [--per-call 1] [--sku-from] [--sku-to]\n"
          "  get:     [--path /health]\n"
          "  [--sku-prefix SKU-] [--sku-digits 5] [--connect-gap-us 5000]\n");
  exit(2);
}

int main(int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
#define ARG(n) (strcmp(a, n) == 0 && i + 1 < argc)
    if (ARG("--host"))
      opt.host = argv[++i];
    else if (ARG("--port"))
      opt.port = atoi(argv[++i]);
    else if (ARG("--key"))
      opt.key = argv[++i];
    else if (ARG("--mode")) {
      const char *m = argv[++i];
      opt.mode = strcmp(m, "capture") == 0 ? M_CAPTURE : strcmp(m, "avail") == 0 ? M_AVAIL
                 : strcmp(m, "get") == 0   ? M_GET
                                           : (usage(), M_GET);
    } else if (ARG("--conns"))
      opt.conns = atoi(argv[++i]);
    else if (ARG("--threads"))
      opt.threads = atoi(argv[++i]);
    else if (ARG("--seconds"))
      opt.seconds = atof(argv[++i]);
    else if (ARG("--warmup"))
      opt.warmup = atof(argv[++i]);
    else if (ARG("--sku-from"))
      opt.sku_from = atoi(argv[++i]);
    else if (ARG("--sku-to"))
      opt.sku_to = atoi(argv[++i]);
    else if (ARG("--hot"))
      opt.hot = atoi(argv[++i]);
    else if (ARG("--lines"))
      opt.lines = atoi(argv[++i]);
    else if (ARG("--qty-max"))
      opt.qty_max = atoi(argv[++i]);
    else if (ARG("--per-call"))
      opt.per_call = atoi(argv[++i]);
    else if (ARG("--channel"))
      opt.channel = argv[++i];
    else if (ARG("--path"))
      opt.path = argv[++i];
    else if (ARG("--name"))
      opt.name = argv[++i];
    else if (ARG("--run-id"))
      opt.run_id = argv[++i];
    else if (ARG("--connect-gap-us"))
      opt.connect_gap_us = atoi(argv[++i]);
    else if (ARG("--sku-prefix"))
      opt.sku_prefix = argv[++i];
    else if (ARG("--sku-digits"))
      opt.sku_digits = atoi(argv[++i]);
    else
      usage();
#undef ARG
  }
  if (opt.conns < 1 || opt.seconds <= 0 || opt.lines < 1 || opt.lines > 16 || opt.per_call < 1 ||
      opt.per_call > 500 || opt.sku_to < opt.sku_from || opt.qty_max < 1)
    usage();
  if (opt.mode != M_GET && !opt.key) {
    fprintf(stderr, "oms_loadgen: --key is required for mode %s\n",
            opt.mode == M_CAPTURE ? "capture" : "avail");
    return 2;
  }
  if (opt.threads <= 0)
    opt.threads = opt.conns < 2 ? opt.conns : 2;
  if (opt.threads > opt.conns)
    opt.threads = opt.conns;
  signal(SIGPIPE, SIG_IGN);

  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
  if (getaddrinfo(opt.host, NULL, &hints, &ai) != 0 || !ai) {
    fprintf(stderr, "oms_loadgen: cannot resolve %s\n", opt.host);
    return 1;
  }
  memcpy(&g_addr, ai->ai_addr, sizeof g_addr);
  g_addr.sin_port = htons((uint16_t)opt.port);
  freeaddrinfo(ai);

  struct worker *ws = calloc((size_t)opt.threads, sizeof *ws);
  uint64_t seed = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
  /* connection i belongs to worker i % threads and opens at i * gap */
  for (int t = 0; t < opt.threads; t++) {
    ws[t].idx = t;
    ws[t].epfd = epoll_create1(0);
    ws[t].conns = calloc((size_t)(opt.conns / opt.threads + 1), sizeof(struct conn));
  }
  for (int i = 0; i < opt.conns; i++) {
    struct worker *w = &ws[i % opt.threads];
    struct conn *c = &w->conns[w->nconns++];
    c->id = i;
    c->fd = -1;
    c->cap = 65536;
    c->buf = malloc(c->cap);
    c->rng = seed + 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1);
    for (int k = 0; k < 4; k++)
      rnd(&c->rng);
  }
  { /* is anybody there? */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&g_addr, sizeof g_addr) != 0) {
      fprintf(stderr, "oms_loadgen: cannot connect to %s:%d\n", opt.host, opt.port);
      return 1;
    }
    close(fd);
  }

  g_t0 = now_ns();
  g_warm_end = g_t0 + (int64_t)(opt.warmup * 1e9);
  g_end = g_warm_end + (int64_t)(opt.seconds * 1e9);
  for (int t = 0; t < opt.threads; t++)
    pthread_create(&ws[t].th, NULL, worker_main, &ws[t]);
  for (int t = 0; t < opt.threads; t++)
    pthread_join(ws[t].th, NULL);

  struct stats tot = {0};
  size_t nlat = 0;
  for (int t = 0; t < opt.threads; t++)
    nlat += ws[t].st.n_lat;
  uint32_t *lat = malloc((nlat ? nlat : 1) * sizeof *lat);
  size_t k = 0;
  for (int t = 0; t < opt.threads; t++) {
    struct stats *s = &ws[t].st;
    memcpy(lat + k, s->lat_us, s->n_lat * sizeof *lat);
    k += s->n_lat;
    tot.ok += s->ok;
    tot.s409 += s->s409;
    tot.insufficient += s->insufficient;
    tot.s4xx += s->s4xx;
    tot.s5xx += s->s5xx;
    tot.neterr += s->neterr;
    tot.proto += s->proto;
    tot.reconnects += s->reconnects;
    tot.ok_total += s->ok_total;
    tot.all_total += s->all_total;
    tot.bytes_in += s->bytes_in;
    if (!tot.first_err[0] && s->first_err[0])
      memcpy(tot.first_err, s->first_err, sizeof tot.first_err);
  }
  int still = 0;
  for (int t = 0; t < opt.threads; t++)
    for (int i = 0; i < ws[t].nconns; i++)
      still += ws[t].conns[i].st != C_DONE;
  qsort(lat, nlat, sizeof *lat, cmp_u32);
  double secs = opt.seconds;
  double rps = (double)tot.ok / secs;
  double p50 = pct(lat, nlat, 50), p95 = pct(lat, nlat, 95), p99 = pct(lat, nlat, 99);
  double mx = nlat ? lat[nlat - 1] / 1000.0 : 0;
  double avg_kb = tot.all_total ? (double)tot.bytes_in / (double)tot.all_total / 1024.0 : 0;

  printf("%-22s conns=%-3d %9.1f ok/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.1f ms"
         "  | ok %" PRIu64 "  409 %" PRIu64 " (insufficient %" PRIu64 ")  4xx %" PRIu64
         "  5xx %" PRIu64 "  neterr %" PRIu64 "\n",
         opt.name, opt.conns, rps, p50, p95, p99, mx, tot.ok, tot.s409, tot.insufficient,
         tot.s4xx, tot.s5xx, tot.neterr + tot.proto);
  if (tot.first_err[0])
    printf("  first non-2xx reply: %s\n", tot.first_err);
  if (still)
    printf("  warning: %d connection(s) still waiting for a reply after the 10 s drain\n", still);
  printf("RESULT name=%s conns=%d seconds=%.2f ok=%" PRIu64 " rps=%.1f p50=%.2f p95=%.2f p99=%.2f"
         " max=%.1f s409=%" PRIu64 " insufficient=%" PRIu64 " s4xx=%" PRIu64 " s5xx=%" PRIu64
         " neterr=%" PRIu64 " proto=%" PRIu64 " reconnects=%" PRIu64 " ok_total=%" PRIu64
         " all_total=%" PRIu64 " avg_reply_kb=%.2f stuck=%d\n",
         opt.name, opt.conns, secs, tot.ok, rps, p50, p95, p99, mx, tot.s409, tot.insufficient,
         tot.s4xx, tot.s5xx, tot.neterr, tot.proto, tot.reconnects, tot.ok_total, tot.all_total,
         avg_kb, still);
  fflush(stdout);
  return 0;
}
